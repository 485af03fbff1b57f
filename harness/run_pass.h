// One pass of a writing run over everything not stored yet (internal to EvalRunner): response
// cache lookups, the model's loglikelihood() and generate() calls, scoring as examples complete,
// code execution overlapping generation, and batched recording.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "harness/eval_runner.h"
#include "results/response_cache.h"
#include "results/store.h"

namespace mpt {

// A task of the suite as the store knows it at the start of the run.
struct PassTask {
  const SuiteTask* task = nullptr;
  int64_t task_id = 0;
  std::vector<bool> done;                               // per example: its row is stored
  std::vector<results::CodeSampleRecord> stored_samples;  // code tasks: samples already stored
};

struct PassResult {
  std::vector<int64_t> evaluated;                          // per task: rows written by this pass
  std::vector<std::map<std::string, int64_t>> verdicts;    // per task: verdicts of programs run now
  RunCounters counters;
};

// Called when the last missing example of tasks[i] is scored, after its rows are committed to the
// store (a long run can show each task's scores as they come).
using TaskCompleteCallback = std::function<void(size_t task)>;

// Runs the pass. `pool` is required when a task is a code task. On an error, the rows already
// scored are flushed (best effort) before it is rethrown.
PassResult run_pass(const std::vector<PassTask>& tasks, LanguageModel& model, results::Store& store,
                    results::ResponseCache& cache, sandbox::SandboxPool* pool, const RunnerOptions& options,
                    const TaskCompleteCallback& on_task_complete = {});

}  // namespace mpt
