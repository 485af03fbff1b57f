// A small RAII layer over the SQLite C API: one connection (SqliteDb) and its prepared statements
// (Statement). Every SQLite failure becomes an mpt::Error naming the database file.
//
// Concurrency: each process opens its own connection. The file runs in WAL mode (readers never
// block the writer), with a busy timeout, and every write goes through write_transaction(), which
// takes the write lock up front (BEGIN IMMEDIATE) and retries while another process holds it, so
// that concurrent writers queue up instead of failing with "database is locked".
// A SqliteDb is not thread-safe: use one per thread.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mpt::results {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql, const std::string& db_path);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  // Binders take 1-based parameter indices, like sqlite3_bind_*. They return *this for chaining.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind_null(int index);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  // Advances the statement: true when a row is available, false when done. Throws mpt::Error.
  bool step();
  // Runs a statement that returns no rows (or ignores them).
  void run();
  // Makes the statement reusable with new bindings.
  void reset();

  // Column readers take 0-based indices, like sqlite3_column_*.
  bool is_null(int col) const;
  int64_t get_int(int col) const;
  double get_double(int col) const;
  std::string get_text(int col) const;
  std::optional<int64_t> get_optional_int(int col) const;
  std::optional<double> get_optional_double(int col) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
  std::string db_path_;  // for error messages
};

class SqliteDb {
 public:
  // ReadOnly: the file must exist; nothing is ever written to it or beside it (no WAL switch, no
  // schema): works on a read-only file or mount. When the database is in WAL mode and its
  // directory does not allow the shared-memory file, it is read as immutable (no other writer may
  // change it meanwhile; reports read a snapshot).
  enum class OpenMode { CreateIfMissing, MustExist, ReadOnly };

  // Opens (or creates) the database file and configures the connection: WAL journal, synchronous
  // NORMAL (a committed transaction survives a process crash; an OS crash may lose the last few),
  // foreign keys on, busy timeout. A file that is not an SQLite database (or is corrupt) gives an
  // mpt::Error (Input) naming the file; a missing file with MustExist gives an Input error too.
  static SqliteDb open(const std::string& path, OpenMode mode);

  ~SqliteDb();
  SqliteDb(SqliteDb&& other) noexcept;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  SqliteDb& operator=(SqliteDb&&) = delete;

  const std::string& path() const { return path_; }
  bool read_only() const { return read_only_; }
  Statement prepare(std::string_view sql) const;
  // Runs one or more statements without results.
  void exec(std::string_view sql) const;
  int64_t last_insert_rowid() const;
  int64_t changes() const;

  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT. Waiting for another writer is retried (with
  // backoff) for up to `lock_wait_seconds()`; after that, a Runtime error says which file is busy.
  // If `body` throws, the transaction is rolled back and the exception propagates.
  void write_transaction(const std::function<void()>& body) const;

  // Total time a write waits for the lock before giving up (600 s).
  static double lock_wait_seconds();

  // Throws the mpt::Error for SQLite result `rc` (with `context`, e.g. the SQL being run).
  [[noreturn]] void fail(int rc, std::string_view context) const;

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  static SqliteDb open_read_only(const std::string& path);
  // Runs a lock-taking statement (BEGIN IMMEDIATE, COMMIT), retrying on SQLITE_BUSY.
  void exec_with_retry(const char* sql) const;

  sqlite3* db_ = nullptr;
  std::string path_;
  bool read_only_ = false;
};

// Translates an SQLite result code into an mpt::Error for `db_path` (shared with Statement).
[[noreturn]] void throw_sqlite_error(sqlite3* db, int rc, const std::string& db_path, std::string_view context);

}  // namespace mpt::results
