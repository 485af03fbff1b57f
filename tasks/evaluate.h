// The result of one evaluation, and a naive runner: every request of a PreparedEval in one call
// to a LanguageModel. The harness's runner (batching, prefix sharing, token budgets) replaces
// run_requests; tests use it with a fake model.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tasks/example_result.h"
#include "tasks/gauntlet.h"
#include "tasks/prepared_eval.h"
#include "tasks/requests.h"

namespace mpt {

struct EvalResult {
  std::string label;          // "<label>/<k>-shot[/<category>]"
  std::string benchmark_key;  // "<label>/<k>-shot"
  int64_t num_fewshot = 0;
  std::optional<std::string> category;
  int64_t dataset_size = 0;   // all rows of the evaluation (the gauntlet's SAMPLE_SZ weight)
  std::vector<ExampleResult> examples;
  std::vector<MetricSummary> metrics;  // aggregate(examples)

  // The mean of "accuracy" (LLM Foundry's metric); nullopt without examples.
  std::optional<double> accuracy() const;
};

// Scores the responses and aggregates them.
EvalResult make_eval_result(const PreparedEval& eval, const EvalResponses& responses);

// All loglikelihood requests in one model call, all generate requests in another.
EvalResponses run_requests(const PreparedEval& eval, LanguageModel& model);

// run_requests + make_eval_result.
EvalResult evaluate(const PreparedEval& eval, LanguageModel& model);

}  // namespace mpt
