// The results store: one SQLite file with runs, their tasks, every evaluated example, code samples,
// aggregated metrics, gauntlet scores, the response cache (response_cache.h) and memoised
// checkpoint hashes (content_hash.h). Schema: results/schema.h and docs/results.md.
//
// The sequence the runner follows (rank 0; one Store per process and thread):
//
//   Store store = Store::open(db_path);                         // creates or migrates the file
//   RunSpec spec{...};
//   spec.model_hash = hash_checkpoint(store, checkpoint_dir).hash;      // content_hash.h, memoised
//   spec.tokenizer_hash = hash_tokenizer(store, tokenizer_path).hash;
//   RunStart run = resume_id ? store.resume_run(*resume_id, spec)  // --resume RUN_ID
//                            : store.start_run(spec);              // resumes a matching unfinished run
//   try {
//     for (each task) {
//       int64_t task = store.register_task(run.run_id, task_spec);    // idempotent on resume
//       std::vector<int64_t> done = store.stored_example_indices(task); // skip these
//       for (each batch of finished examples)                           // e.g. every 256 examples
//         store.record_examples(task, batch);                           // one transaction; re-inserts are ignored
//       (code tasks) store.record_code_samples(task, samples);          // same, per (problem, sample)
//       std::vector<ExampleRecord> all = store.load_examples(task);     // stored + new, in index order
//       store.record_metrics(task, aggregate(all));                     // replaces earlier values
//     }
//     store.record_gauntlet(run.run_id, gauntlet_scores);
//     store.finish_run(run.run_id);
//   } catch (const std::exception& e) { store.fail_run(run.run_id, e.what()); throw; }
//
//   Response cache around the model (response_cache.h), before the loop:
//     ResponseCache cache(store, {spec.model_hash, spec.dtype, spec.device_class}, /*enabled=*/!no_cache);
//   and per request: key = cache.key(request); cache.get(key), else compute and cache.put_batch(...)
//   (put a batch's cache entries before recording its examples, so a crash in between loses nothing).
//
// Aggregates must be computed from load_examples(), not only from what this process evaluated:
// that is what makes a resumed run's metrics identical to an uninterrupted one. Other ranks of a
// distributed run may call record_examples / record_code_samples with the task ids rank 0 got.
//
// Every write is its own BEGIN IMMEDIATE transaction that waits for other writers (sqlite_db.h),
// so any number of processes may write one database at once. A crash (kill -9) loses at most the
// batch being written; what was committed stays.
// Errors: mpt::Error; Input for a bad or foreign database file, an unknown run id, or a resume that
// does not match; Runtime for I/O failures.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "results/records.h"
#include "results/sqlite_db.h"

namespace mpt::results {

// $MPTEVAL_DB when set and non-empty, else "mpt-eval.db" (in the current directory).
std::string default_db_path();

struct RunStart {
  int64_t run_id = 0;
  bool resumed = false;  // an unfinished run was taken over (its stored examples count as done)
};

class Store {
 public:
  // Opens (CreateIfMissing: creates) the database and migrates it to the current schema.
  // Reports use MustExist so that a mistyped --db is an error rather than an empty report.
  static Store open(const std::string& path, SqliteDb::OpenMode mode = SqliteDb::OpenMode::CreateIfMissing);

  const SqliteDb& db() const { return db_; }
  const std::string& path() const { return db_.path(); }

  // ---- Runs -----------------------------------------------------------------------------------
  // Takes over the newest unfinished run (running or failed) with the same identity whose writer
  // is gone, or creates a new run when there is none. A run whose writer is still alive (another
  // process evaluating the same configuration) is left alone. Atomic across processes.
  RunStart start_run(const RunSpec& spec);
  // Creates a new run even when an unfinished one with the same identity exists.
  RunStart create_run(const RunSpec& spec);
  // --resume RUN_ID: takes over that run. Input error when it does not exist, is completed, or
  // `spec`'s identity differs (the message lists which hashes differ); Runtime error when its
  // writer is still alive.
  RunStart resume_run(int64_t run_id, const RunSpec& spec);
  // Marks the run completed (end time now) / failed with a message (resumable later).
  void finish_run(int64_t run_id);
  void fail_run(int64_t run_id, const std::string& message);
  // Marks the run interrupted (SIGINT/SIGTERM; its committed rows stay; resumable like a failed run).
  void interrupt_run(int64_t run_id, const std::string& message);

  // ---- Tasks and rows -------------------------------------------------------------------------
  // Returns the task's id, creating it on first call. On resume the stored task must match:
  // a different type, primary metric, data file hash or example count is an Input error.
  int64_t register_task(int64_t run_id, const TaskSpec& spec);
  // Example indices already stored for a task, ascending.
  std::vector<int64_t> stored_example_indices(int64_t task_id) const;
  // Inserts the rows in one transaction; rows whose (task, example_index) is already stored are
  // left unchanged. Returns how many rows were new. Runtime error for an index outside
  // [0, num_examples).
  int64_t record_examples(int64_t task_id, std::span<const ExampleRecord> rows);
  // Same for code samples, keyed by (task, example_index, sample_index).
  int64_t record_code_samples(int64_t task_id, std::span<const CodeSampleRecord> rows);
  std::vector<std::pair<int64_t, int64_t>> stored_code_sample_keys(int64_t task_id) const;  // (problem, sample)
  // Every stored example of the task, by index.
  std::vector<ExampleRecord> load_examples(int64_t task_id) const;
  // Replaces the task's aggregated metrics / the run's gauntlet scores with these (one transaction).
  void record_metrics(int64_t task_id, std::span<const MetricRecord> metrics);
  void record_gauntlet(int64_t run_id, std::span<const GauntletRecord> scores);

 private:
  explicit Store(SqliteDb db) : db_(std::move(db)) {}
  int64_t insert_run(const RunSpec& spec);
  void claim_run(int64_t run_id);
  SqliteDb db_;
};

}  // namespace mpt::results
