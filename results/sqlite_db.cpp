#include "results/sqlite_db.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "common/error.h"

namespace mpt::results {
namespace {

constexpr double kLockWaitSeconds = 600.0;

// SQLite's own busy handler waits this long per attempt before our retry loop takes over; the
// loop adds jittered backoff so that two writers released at once do not collide again.
constexpr int kBusyTimeoutMs = 2000;

bool is_busy(int rc) {
  int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

void sleep_backoff(int attempt) {
  thread_local std::minstd_rand rng(std::random_device{}());
  int cap_ms = std::min(1000, 20 << std::min(attempt, 6));
  std::this_thread::sleep_for(std::chrono::milliseconds(1 + static_cast<int>(rng() % cap_ms)));
}

}  // namespace

[[noreturn]] void throw_sqlite_error(sqlite3* db, int rc, const std::string& db_path, std::string_view context) {
  std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  int primary = rc & 0xff;
  std::string where = db_path;
  if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT)
    throw input_error("not a usable mpt-eval results database", where,
                      "an SQLite database file (pass another --db, or move this file away)", msg);
  if (primary == SQLITE_CANTOPEN)
    throw input_error("cannot open results database", where, "a writable file path", msg);
  if (primary == SQLITE_READONLY || primary == SQLITE_PERM)
    throw input_error("results database is not writable", where, "write permission on the file and its directory",
                      msg);
  if (is_busy(rc))
    throw runtime_error("results database is busy", where, "the write lock within the wait limit",
                        msg + " (another process held it)");
  throw runtime_error("SQLite error " + std::to_string(rc) + " in " + std::string(context), where, "", msg);
}

// ---- Statement ------------------------------------------------------------------------------

Statement::Statement(sqlite3* db, std::string_view sql, const std::string& db_path) : db_(db), db_path_(db_path) {
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) throw_sqlite_error(db, rc, db_path, sql);
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& o) noexcept : stmt_(o.stmt_), db_(o.db_), db_path_(std::move(o.db_path_)) {
  o.stmt_ = nullptr;
}

Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw_sqlite_error(db_, rc, db_path_, sqlite3_sql(stmt_));
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
int64_t Statement::get_int(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::get_double(int col) const { return sqlite3_column_double(stmt_, col); }
std::string Statement::get_text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, col)) : std::string();
}
std::optional<int64_t> Statement::get_optional_int(int col) const {
  return is_null(col) ? std::nullopt : std::optional<int64_t>(get_int(col));
}
std::optional<double> Statement::get_optional_double(int col) const {
  return is_null(col) ? std::nullopt : std::optional<double>(get_double(col));
}

// ---- SqliteDb -------------------------------------------------------------------------------

SqliteDb SqliteDb::open(const std::string& path, OpenMode mode) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (mode != OpenMode::CreateIfMissing && !fs::exists(path, ec))
    throw input_error("no results database", path, "an existing database (run 'mpt-eval run' first, or pass --db)",
                      "no such file");
  if (fs::is_directory(path, ec))
    throw input_error("cannot open results database", path, "a file path", "a directory");
  if (mode == OpenMode::ReadOnly) return open_read_only(path);
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
              (mode == OpenMode::CreateIfMissing ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteDb db(raw, path);  // owns the handle even when opening failed
  if (rc != SQLITE_OK) throw_sqlite_error(raw, rc, path, "open");
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);

  // The first statement reads the header: a file that is not SQLite fails here with NOTADB.
  // Switching to WAL briefly needs an exclusive lock, so it is retried like a write.
  auto start = std::chrono::steady_clock::now();
  for (int attempt = 0;; ++attempt) {
    sqlite3_stmt* st = nullptr;
    rc = sqlite3_prepare_v2(raw, "PRAGMA journal_mode=WAL", -1, &st, nullptr);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) break;
    double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!is_busy(rc) || waited > lock_wait_seconds()) throw_sqlite_error(raw, rc, path, "PRAGMA journal_mode=WAL");
    sleep_backoff(attempt);
  }
  db.exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  // Reading the schema catches files whose header is fine but whose pages are damaged.
  db.prepare("SELECT count(*) FROM sqlite_master").run();
  return db;
}

namespace {

// "file:" URI of a path: '%', '?' and '#' escaped (sqlite3 URI rules); relative paths stay relative.
std::string file_uri(const std::string& path, const char* query) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      uri += buf;
    } else {
      uri += c;
    }
  }
  return uri + "?" + query;
}

}  // namespace

SqliteDb SqliteDb::open_read_only(const std::string& path) {
  // While a writer has the database open its -wal file exists: read as a normal read-only
  // reader, which sees the writer's commits (falling back to an immutable read when the WAL's
  // shared memory cannot be created, e.g. on a read-only mount). Without a -wal file nobody is
  // writing: read it as immutable, which creates no -shm or -wal beside it.
  std::error_code ec;
  const bool live = std::filesystem::exists(path + "-wal", ec);
  const std::vector<const char*> modes = live ? std::vector<const char*>{"mode=ro", "immutable=1"}
                                              : std::vector<const char*>{"immutable=1"};
  for (const char* query : modes) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(file_uri(path, query).c_str(), &raw,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
    SqliteDb db(raw, path);
    db.read_only_ = true;
    if (rc != SQLITE_OK) throw_sqlite_error(raw, rc, path, "open (read-only)");
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, kBusyTimeoutMs);
    sqlite3_stmt* st = nullptr;
    rc = sqlite3_prepare_v2(raw, "SELECT count(*) FROM sqlite_master", -1, &st, nullptr);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) return db;
    const int primary = rc & 0xff;
    if (std::string(query) == "mode=ro" && (primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY)) continue;
    throw_sqlite_error(raw, rc, path, "reading the schema (read-only)");
  }
  throw runtime_error("cannot open results database read-only", path);
}

SqliteDb::~SqliteDb() {
  if (db_) sqlite3_close_v2(db_);
}

SqliteDb::SqliteDb(SqliteDb&& o) noexcept : db_(o.db_), path_(std::move(o.path_)) { o.db_ = nullptr; }

Statement SqliteDb::prepare(std::string_view sql) const { return Statement(db_, sql, path_); }

void SqliteDb::exec(std::string_view sql) const {
  std::string s(sql);
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(rc, s);
}

int64_t SqliteDb::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
int64_t SqliteDb::changes() const { return sqlite3_changes64(db_); }

void SqliteDb::fail(int rc, std::string_view context) const { throw_sqlite_error(db_, rc, path_, context); }

void SqliteDb::exec_with_retry(const char* sql) const {
  auto start = std::chrono::steady_clock::now();
  for (int attempt = 0;; ++attempt) {
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return;
    double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!is_busy(rc) || waited > lock_wait_seconds()) fail(rc, sql);
    sleep_backoff(attempt);
  }
}

void SqliteDb::write_transaction(const std::function<void()>& body) const {
  exec_with_retry("BEGIN IMMEDIATE");
  try {
    body();
    exec_with_retry("COMMIT");
  } catch (...) {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

double SqliteDb::lock_wait_seconds() { return kLockWaitSeconds; }

}  // namespace mpt::results
