// The results database schema and its migrations.
//
// The schema version lives in `PRAGMA user_version`; `PRAGMA application_id` marks the file as an
// mpt-eval store. Migration step N takes a database from version N-1 to N; a new database runs
// every step. Steps are append-only: a released step is never edited, a change is a new step.
//
//   v1  runs, tasks, examples, code_samples, metrics, gauntlet_scores
//   v2  response_cache, file_hashes (memoised content hashes of checkpoint files)
//   v3  runs.status may be 'interrupted'; runs.data_hash (combined hash of the data files)
//
// The tables and their columns are documented in docs/results.md.
#pragma once

#include "results/sqlite_db.h"

namespace mpt::results {

inline constexpr int kSchemaVersion = 3;
inline constexpr int kApplicationId = 0x4d505445;  // "MPTE"

// The database's current schema version (0 for a new, empty file).
int schema_version(const SqliteDb& db);

// Brings the database up to `target` (kSchemaVersion unless a test asks for an older one). Each
// step runs in its own write transaction and re-reads the version inside it, so processes that
// open a new file at the same time apply every step exactly once.
// Throws mpt::Error (Input) naming the file when its version is newer than this build knows, or
// when it is an SQLite database of some other program (foreign application id or tables).
void migrate(const SqliteDb& db, int target = kSchemaVersion);

}  // namespace mpt::results

namespace mpt::results {
// For read-only use (reports): Input error unless the file is an mpt-eval store of exactly this
// build's schema version (an empty, foreign, newer or older file is named as such; nothing is written).
void check_readable(const SqliteDb& db);
}  // namespace mpt::results
