// Scoring one prepared example from its responses, per task type (see example_result.h for the
// metric definitions). Internal to mpt_tasks; PreparedEval::score is the public entry.
#pragma once

#include <cstdint>
#include <vector>

#include "tasks/example_result.h"
#include "tasks/prepared_eval.h"

namespace mpt {

ExampleResult score_example(const PreparedEval& eval, const PreparedExample& example, const EvalResponses& responses);

// LLM Foundry's multiple-choice pick: the option with the lowest mean per-token negative
// log-likelihood, ties to the first (Python's min() then list.index()). An option without tokens
// has a NaN mean and, like in Python, wins only when it comes first.
int64_t lowest_mean_nll(const std::vector<double>& logprobs, const std::vector<int32_t>& num_tokens);
// numpy.argmax: the first highest value.
int64_t first_argmax(const std::vector<double>& values);

}  // namespace mpt
