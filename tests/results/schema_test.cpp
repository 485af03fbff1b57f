// Schema creation, migrations, and the errors for files that are not (or not yet) our store.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "results/schema.h"
#include "results/store.h"
#include "results/store_queries.h"
#include "tests/results/run_builder.h"

using namespace mpt;
using namespace mpt::results;

namespace {

std::string expect_input_error(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "expected an mpt::Error";
  return "";
}

std::string pragma_text(const SqliteDb& db, const std::string& p) {
  Statement st = db.prepare("PRAGMA " + p);
  return st.step() ? st.get_text(0) : "";
}

}  // namespace

TEST(Schema, NewDatabaseGetsEveryTableAndTheSettings) {
  std::string path = test::temp_dir("schema") + "/new.db";
  Store store = Store::open(path);
  EXPECT_EQ(schema_version(store.db()), kSchemaVersion);
  for (const char* table : {"runs", "tasks", "examples", "code_samples", "metrics", "gauntlet_scores",
                            "response_cache", "file_hashes"}) {
    Statement st = store.db().prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
    st.bind(1, table);
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.get_int(0), 1) << table;
  }
  EXPECT_EQ(pragma_text(store.db(), "journal_mode"), "wal");
  EXPECT_EQ(pragma_text(store.db(), "foreign_keys"), "1");
  EXPECT_EQ(pragma_text(store.db(), "application_id"), std::to_string(kApplicationId));
}

TEST(Schema, ReopeningIsANoOpAndKeepsData) {
  std::string path = test::temp_dir("schema") + "/reopen.db";
  int64_t id;
  {
    Store store = Store::open(path);
    id = store.create_run(test::make_spec("a", "h")).run_id;
  }
  Store again = Store::open(path, SqliteDb::OpenMode::MustExist);
  EXPECT_EQ(get_run(again, id).spec.label, "a");
}

TEST(Schema, MigratesAnOlderVersionKeepingItsRows) {
  std::string path = test::temp_dir("schema") + "/v1.db";
  {
    SqliteDb db = SqliteDb::open(path, SqliteDb::OpenMode::CreateIfMissing);
    migrate(db, 1);  // a database written by a build that only knew schema v1
    ASSERT_EQ(schema_version(db), 1);
    db.exec("INSERT INTO runs (identity_hash, model_path, model_hash, tokenizer_hash, task_config, task_config_hash, "
            "harness_version, git_revision, device, device_class, dtype, started_at, status) VALUES "
            "('i', '/m', 'mh', 'th', 'tc', 'tch', '0.0.1', 'abc', 'cpu', 'cpu', 'float32', '2026-01-01', 'completed')");
  }
  Store store = Store::open(path);
  EXPECT_EQ(schema_version(store.db()), kSchemaVersion);
  std::vector<RunInfo> runs = list_runs(store, {});
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].spec.model_hash, "mh");
  // v2's tables now exist and work.
  store.db().exec("INSERT INTO response_cache VALUES ('k', 'm', 'generate', '{}', 'now')");
}

TEST(Schema, RefusesANewerSchemaVersionWithAClearError) {
  std::string path = test::temp_dir("schema") + "/future.db";
  {
    Store store = Store::open(path);
    store.db().exec("PRAGMA user_version = " + std::to_string(kSchemaVersion + 5));
  }
  std::string msg = expect_input_error([&] { Store::open(path); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("newer schema"), std::string::npos) << msg;
  EXPECT_NE(msg.find("schema version " + std::to_string(kSchemaVersion + 5)), std::string::npos) << msg;
  EXPECT_NE(msg.find("upgrade mpt-eval"), std::string::npos) << msg;
}

TEST(Schema, RefusesAFileThatIsNotSQLite) {
  std::string path = test::temp_dir("schema") + "/notes.db";
  const std::string notes = "these are my notes, not a database\n" + std::string(5000, 'x');
  std::ofstream(path) << notes;
  std::string msg = expect_input_error([&] { Store::open(path); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("not a usable mpt-eval results database"), std::string::npos) << msg;
  // The file is left exactly as it was.
  EXPECT_EQ(std::filesystem::file_size(path), notes.size());
}

TEST(Schema, RefusesACorruptDatabase) {
  std::string path = test::temp_dir("schema") + "/corrupt.db";
  {
    Store store = Store::open(path);
    store.create_run(test::make_spec("a", "h"));
    store.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  {  // Overwrite the schema page (page 1 after the 100-byte header) with garbage.
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    std::string junk(3000, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  std::string msg = expect_input_error([&] { Store::open(path); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("not a usable mpt-eval results database"), std::string::npos) << msg;
}

TEST(Schema, RefusesAnotherProgramsSQLiteDatabase) {
  std::string path = test::temp_dir("schema") + "/other.db";
  {
    SqliteDb db = SqliteDb::open(path, SqliteDb::OpenMode::CreateIfMissing);
    db.exec("CREATE TABLE customers (id INTEGER, name TEXT)");
  }
  std::string msg = expect_input_error([&] { Store::open(path); });
  EXPECT_NE(msg.find("tables customers"), std::string::npos) << msg;
}

TEST(Schema, MustExistNamesTheMissingFile) {
  std::string path = test::temp_dir("schema") + "/missing.db";
  std::string msg = expect_input_error([&] { Store::open(path, SqliteDb::OpenMode::MustExist); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(Schema, ForeignKeysRejectRowsOfUnknownTasks) {
  Store store = Store::open(test::temp_dir("schema") + "/fk.db");
  EXPECT_THROW(store.db().exec("INSERT INTO examples VALUES (999, 0, 'p', 1, '{}', '{}')"), Error);
}
