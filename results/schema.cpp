#include "results/schema.h"

#include <string>

#include "common/error.h"

namespace mpt::results {
namespace {

// Step i (0-based) brings the schema from version i to i+1.
constexpr const char* kMigrations[] = {
    // v1: the results proper.
    R"sql(
CREATE TABLE runs (
  id                   INTEGER PRIMARY KEY,
  identity_hash        TEXT NOT NULL,
  label                TEXT NOT NULL DEFAULT '',
  model_path           TEXT NOT NULL,
  model_hash           TEXT NOT NULL,
  tokenizer_hash       TEXT NOT NULL,
  task_config          TEXT NOT NULL,
  task_config_hash     TEXT NOT NULL,
  gauntlet_config      TEXT NOT NULL DEFAULT '',
  gauntlet_config_hash TEXT NOT NULL DEFAULT '',
  harness_version      TEXT NOT NULL,
  git_revision         TEXT NOT NULL,
  device               TEXT NOT NULL,
  device_class         TEXT NOT NULL,
  dtype                TEXT NOT NULL,
  world_size           INTEGER NOT NULL DEFAULT 1,
  training_step        INTEGER,
  started_at           TEXT NOT NULL,
  ended_at             TEXT,
  status               TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  failure              TEXT,
  owner_host           TEXT,
  owner_pid            INTEGER,
  owner_start          INTEGER
);
CREATE INDEX runs_by_identity ON runs(identity_hash, status);
CREATE INDEX runs_by_label ON runs(label);

CREATE TABLE tasks (
  id             INTEGER PRIMARY KEY,
  run_id         INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  label          TEXT NOT NULL,
  type           TEXT NOT NULL,
  primary_metric TEXT NOT NULL,
  data_hash      TEXT NOT NULL,
  settings       TEXT NOT NULL DEFAULT '{}',
  num_examples   INTEGER NOT NULL,
  UNIQUE (run_id, label)
);

CREATE TABLE examples (
  task_id       INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  example_index INTEGER NOT NULL,
  prompt_hash   TEXT NOT NULL,
  score         REAL NOT NULL,
  response      TEXT NOT NULL,
  metrics       TEXT NOT NULL,
  PRIMARY KEY (task_id, example_index)
) WITHOUT ROWID;

CREATE TABLE code_samples (
  task_id       INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  example_index INTEGER NOT NULL,
  sample_index  INTEGER NOT NULL,
  problem_id    TEXT NOT NULL,
  completion    TEXT NOT NULL,
  verdict       TEXT NOT NULL,
  duration_ms   REAL NOT NULL,
  isolation     TEXT NOT NULL,
  detail        TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (task_id, example_index, sample_index)
) WITHOUT ROWID;

CREATE TABLE metrics (
  task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  name    TEXT NOT NULL,
  value   REAL NOT NULL,
  stderr  REAL,
  count   INTEGER NOT NULL,
  PRIMARY KEY (task_id, name)
) WITHOUT ROWID;

CREATE TABLE gauntlet_scores (
  run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  category TEXT NOT NULL,
  score    REAL NOT NULL,
  partial  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, category)
) WITHOUT ROWID;
)sql",
    // v2: the response cache and memoised file hashes.
    R"sql(
CREATE TABLE response_cache (
  key            TEXT PRIMARY KEY,
  model_identity TEXT NOT NULL,
  kind           TEXT NOT NULL,
  response       TEXT NOT NULL,
  created_at     TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE file_hashes (
  path      TEXT PRIMARY KEY,
  size      INTEGER NOT NULL,
  mtime_ns  INTEGER NOT NULL,
  ctime_ns  INTEGER NOT NULL,
  inode     INTEGER NOT NULL,
  sha256    TEXT NOT NULL,
  hashed_at TEXT NOT NULL
) WITHOUT ROWID;
)sql",
    // v3: runs may be 'interrupted' (SIGINT/SIGTERM, resumable) and record the combined hash of their
    // data files (part of the run identity). SQLite cannot alter a CHECK constraint, so the runs
    // table is rebuilt (migrate() turns foreign keys off around it, as SQLite's ALTER TABLE
    // documentation prescribes, so that dropping the old table cascades nothing).
    R"sql(
CREATE TABLE runs_v3 (
  id                   INTEGER PRIMARY KEY,
  identity_hash        TEXT NOT NULL,
  label                TEXT NOT NULL DEFAULT '',
  model_path           TEXT NOT NULL,
  model_hash           TEXT NOT NULL,
  tokenizer_hash       TEXT NOT NULL,
  task_config          TEXT NOT NULL,
  task_config_hash     TEXT NOT NULL,
  gauntlet_config      TEXT NOT NULL DEFAULT '',
  gauntlet_config_hash TEXT NOT NULL DEFAULT '',
  harness_version      TEXT NOT NULL,
  git_revision         TEXT NOT NULL,
  device               TEXT NOT NULL,
  device_class         TEXT NOT NULL,
  dtype                TEXT NOT NULL,
  world_size           INTEGER NOT NULL DEFAULT 1,
  training_step        INTEGER,
  started_at           TEXT NOT NULL,
  ended_at             TEXT,
  status               TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
  failure              TEXT,
  owner_host           TEXT,
  owner_pid            INTEGER,
  owner_start          INTEGER,
  data_hash            TEXT NOT NULL DEFAULT ''
);
INSERT INTO runs_v3 (id, identity_hash, label, model_path, model_hash, tokenizer_hash, task_config,
  task_config_hash, gauntlet_config, gauntlet_config_hash, harness_version, git_revision, device,
  device_class, dtype, world_size, training_step, started_at, ended_at, status, failure, owner_host,
  owner_pid, owner_start)
SELECT id, identity_hash, label, model_path, model_hash, tokenizer_hash, task_config,
  task_config_hash, gauntlet_config, gauntlet_config_hash, harness_version, git_revision, device,
  device_class, dtype, world_size, training_step, started_at, ended_at, status, failure, owner_host,
  owner_pid, owner_start FROM runs;
DROP TABLE runs;
ALTER TABLE runs_v3 RENAME TO runs;
CREATE INDEX runs_by_identity ON runs(identity_hash, status);
CREATE INDEX runs_by_label ON runs(label);
)sql",
};
static_assert(std::size(kMigrations) == kSchemaVersion, "one migration step per schema version");

int64_t pragma_int(const SqliteDb& db, const char* pragma) {
  Statement st = db.prepare(std::string("PRAGMA ") + pragma);
  return st.step() ? st.get_int(0) : 0;
}

// A version-0 file with tables, or a foreign application id, belongs to another program.
void check_ownership(const SqliteDb& db, int version) {
  int64_t app = pragma_int(db, "application_id");
  if (app != 0 && app != kApplicationId)
    throw input_error("not an mpt-eval results database", db.path(),
                      "application_id " + std::to_string(kApplicationId) + " (pass another --db)",
                      "application_id " + std::to_string(app));
  if (version == 0) {
    Statement st = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name LIMIT 3");
    std::string names;
    while (st.step()) names += (names.empty() ? "" : ", ") + st.get_text(0);
    if (!names.empty())
      throw input_error("not an mpt-eval results database", db.path(),
                        "an empty file or an mpt-eval store (pass another --db)",
                        "an SQLite database of another program (tables " + names + ")");
  }
}

void check_not_newer(const SqliteDb& db, int version) {
  if (version > kSchemaVersion)
    throw input_error("results database has a newer schema", db.path(),
                      "schema version " + std::to_string(kSchemaVersion) +
                          " or older (this mpt-eval build); upgrade mpt-eval or pass another --db",
                      "schema version " + std::to_string(version));
}

}  // namespace

int schema_version(const SqliteDb& db) { return static_cast<int>(pragma_int(db, "user_version")); }

void migrate(const SqliteDb& db, int target) {
  int version = schema_version(db);
  check_not_newer(db, version);
  check_ownership(db, version);
  if (version >= target) return;
  // Table rebuilds (v3) must not cascade deletes; the pragma is a no-op inside a transaction.
  db.exec("PRAGMA foreign_keys=OFF");
  while (version < target) {
    db.write_transaction([&] {
      version = schema_version(db);  // another process may have migrated meanwhile
      check_not_newer(db, version);
      if (version >= target) return;
      db.exec(kMigrations[version]);
      ++version;
      db.exec("PRAGMA user_version = " + std::to_string(version));
      db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
      Statement fk = db.prepare("PRAGMA foreign_key_check");
      if (fk.step())
        throw runtime_error("schema migration broke a foreign key", db.path(), "no dangling references",
                            "a row of table " + fk.get_text(0));
    });
  }
  db.exec("PRAGMA foreign_keys=ON");
}

void check_readable(const SqliteDb& db) {
  const int version = schema_version(db);
  check_not_newer(db, version);
  check_ownership(db, version);
  if (version == 0)
    throw input_error("not an mpt-eval results database", db.path(),
                      "a store written by 'mpt-eval run' (pass another --db)", "an empty database");
  if (version < kSchemaVersion)
    throw input_error("results database has an older schema and cannot be upgraded read-only", db.path(),
                      "schema version " + std::to_string(kSchemaVersion) +
                          " (any mpt-eval command with write access to the file upgrades it)",
                      "schema version " + std::to_string(version));
}

}  // namespace mpt::results
