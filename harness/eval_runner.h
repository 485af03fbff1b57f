// The evaluation runner: runs a prepared EvalSuite (eval_suite.h) through a LanguageModel and
// keeps the results in the store. This is what `mpt-eval run` does after loading a checkpoint;
// the live-evaluation hook (training) and the distributed runner use the same object.
//
//   EvalSuite suite = prepare_suite(config, tokenizer);               // once
//   EvalRunner runner(std::make_shared<EvalSuite>(std::move(suite)), {.sandbox = sandbox_config});
//   results::Store store = results::Store::open(db_path);             // or ":memory:"
//   RunOutcome out = runner.run(model, {.store = &store, .spec = run_spec});   // any number of times
//
// One run, as the writing process (RunnerOptions::writes_store, the default):
//   1. creates the sandbox pool when the suite has code tasks (kept for later runs); without
//      isolation this refuses (mpt::Error, Runtime) before anything is written, unless the
//      sandbox configuration says unsafe_no_sandbox;
//   2. starts a run in the store, or resumes one: RunTarget::resume_run_id, or the newest
//      unfinished run with the same identity whose writer is gone (results/store.h);
//   3. registers every task and skips the examples (and code samples) already stored;
//   4. answers what it can from the response cache (RunTarget::use_cache) and sends only the
//      missing requests to the model: exactly one loglikelihood() call, then exactly one
//      generate() call (ICL generation and code samples together), even when a list is empty;
//   5. scores each example as soon as all of its requests are answered; hands each code
//      completion to the sandbox pool as soon as it is generated (execution overlaps generation);
//      records rows in batches, each batch's cache entries first (commits as it goes);
//   6. aggregates every task from the stored rows (load_examples), so a resumed run ends with the
//      same metrics as an uninterrupted one; computes the gauntlet (categories with missing
//      benchmarks marked partial) and finishes the run.
// Any error after the run started marks it failed (resumable) and is rethrown; an interruption
// (SIGINT/SIGTERM, common/interrupt.h) commits what was scored and marks it interrupted (resumable).
// A model output that is not finite (NaN/Inf log-likelihood or logits) fails the run naming the task
// and the example (and, when the model can tell, the first layer whose output went non-finite). Code samples that
// end in a sandbox infrastructure error (after the pool's retry) are not stored, and the run fails
// at the end naming them, so a rerun retries exactly those.
//
// A process that does not write (RunnerOptions::writes_store = false: the other ranks of a
// distributed run) touches no store, no cache and no sandbox, and scores nothing: it makes the
// same two model calls with the requests of every selected example and discards the answers. A
// distributed LanguageModel must therefore serve, on every rank, the request list of the writing
// rank (which lacks the stored and cached requests), e.g. by broadcasting it.
//
// Progress bars (stderr) show scoring, generation and code execution with rate and ETA.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/code_executor.h"
#include "harness/eval_suite.h"
#include "results/records.h"
#include "results/store.h"
#include "sandbox/sandbox_config.h"
#include "tasks/example_result.h"
#include "tasks/gauntlet.h"
#include "tasks/requests.h"

namespace mpt {

namespace sandbox {
class SandboxPool;
}

struct RunnerOptions {
  bool writes_store = true;        // false on the non-writing ranks of a distributed run
  int64_t record_batch = 256;      // examples (or code samples) per committed batch at most
  double record_interval_s = 5.0;  // and at least this often while results arrive
  sandbox::Config sandbox;         // code tasks: interpreter, limits, workers, unsafe_no_sandbox
  // Distributed runs (checkpoint_run.cpp): given the writing rank's pool, how its programs are
  // executed instead of submitting them to that pool (spread over every rank's pool). Empty: the pool.
  std::function<CodeExecutor::Submit(sandbox::SandboxPool&)> code_execution;
};

struct RunTarget {
  results::Store* store = nullptr;       // required when writing; a ":memory:" store keeps nothing
  results::RunSpec spec;                 // model/tokenizer hashes, device, dtype, label, step (see records.h);
                                         // task_config and gauntlet_config are filled from the suite
  std::optional<int64_t> resume_run_id;  // --resume RUN_ID
  // --no-cache: neither read nor write the response cache. The cache is keyed by spec.model_hash,
  // dtype and device class: a model whose weights change in memory (live evaluation during
  // training) must give a model_hash that changes with them, or run without the cache.
  bool use_cache = true;
  bool fresh = false;                    // --fresh: a new run even when an unfinished one matches
};

struct TaskOutcome {
  std::string label;                   // "piqa/0-shot"
  std::string type;                    // icl_task_type
  std::string primary_metric;          // "accuracy" or "pass@<k>"
  int64_t num_examples = 0;            // in the evaluation (all rows of the data file, or problems)
  int64_t selected = 0;                // evaluated: the first `selected` (--limit)
  int64_t stored_before = 0;           // already stored when the run started (resume)
  int64_t evaluated = 0;               // scored by this run
  std::vector<MetricSummary> metrics;  // aggregated over the stored rows; primary first
  std::map<std::string, int64_t> verdicts;  // code tasks: verdicts of the samples executed now
};

struct RunCounters {
  int64_t loglikelihood_requests = 0;  // of the examples evaluated now
  int64_t loglikelihood_cached = 0;    // answered by the response cache
  int64_t generate_requests = 0;
  int64_t generate_cached = 0;
  int64_t programs_executed = 0;       // code samples run in the sandbox
  int64_t infrastructure_errors = 0;   // of those, sandbox failures (not stored; the run fails)
  int64_t computed() const {
    return loglikelihood_requests - loglikelihood_cached + generate_requests - generate_cached;
  }
};

struct RunOutcome {
  bool wrote = false;                    // false on a non-writing process (everything below empty)
  int64_t run_id = 0;
  bool resumed = false;
  std::string db_path;
  std::vector<TaskOutcome> tasks;        // the suite's order
  std::vector<MissingTask> missing;      // tasks without data (not evaluated)
  std::optional<GauntletResult> gauntlet;
  RunCounters counters;
  std::string isolation;                 // the sandbox's isolation level ("" without code tasks)
  double wall_seconds = 0.0;
};

class EvalRunner {
 public:
  EvalRunner(std::shared_ptr<const EvalSuite> suite, RunnerOptions options = {});
  ~EvalRunner();
  EvalRunner(const EvalRunner&) = delete;
  EvalRunner& operator=(const EvalRunner&) = delete;

  // One run (see above). Throws mpt::Error: Input for a bad target (no store when writing, a
  // --resume that does not match), Runtime for failures of the model, the store or the sandbox.
  RunOutcome run(LanguageModel& model, const RunTarget& target);

  const EvalSuite& suite() const { return *suite_; }

 private:
  static void mark_failed(results::Store& store, int64_t run_id, const std::string& message);
  sandbox::SandboxPool& pool();  // created on first use, kept for later runs

  std::shared_ptr<const EvalSuite> suite_;
  RunnerOptions options_;
  std::unique_ptr<sandbox::SandboxPool> pool_;
};

}  // namespace mpt
