#include "tasks/example_scoring.h"

#include <limits>

#include "tasks/task_kind.h"

namespace mpt {

int64_t lowest_mean_nll(const std::vector<double>& logprobs, const std::vector<int32_t>& num_tokens) {
  std::vector<double> mean_nll;
  for (size_t i = 0; i < logprobs.size(); ++i)
    mean_nll.push_back(num_tokens[i] > 0 ? -logprobs[i] / num_tokens[i] : std::numeric_limits<double>::quiet_NaN());
  size_t best = 0;
  for (size_t i = 1; i < mean_nll.size(); ++i)
    if (mean_nll[i] < mean_nll[best]) best = i;  // strict: ties and NaN keep the earlier option
  return static_cast<int64_t>(best);
}

int64_t first_argmax(const std::vector<double>& values) {
  size_t best = 0;
  for (size_t i = 1; i < values.size(); ++i)
    if (values[i] > values[best]) best = i;
  return static_cast<int64_t>(best);
}

ExampleResult score_example(const PreparedEval& eval, const PreparedExample& ex, const EvalResponses& responses) {
  ExampleResult r = eval.spec.task->kind->score(eval, ex, responses);
  r.index = ex.prompt.index;
  r.row = ex.prompt.row;
  return r;
}

}  // namespace mpt
