#include "tasks/evaluate.h"

namespace mpt {

std::optional<double> EvalResult::accuracy() const {
  for (const MetricSummary& m : metrics)
    if (m.name == "accuracy") return m.mean;
  return std::nullopt;
}

EvalResult make_eval_result(const PreparedEval& eval, const EvalResponses& responses) {
  EvalResult r;
  r.label = eval.spec.label;
  r.benchmark_key = eval.spec.benchmark_key();
  r.num_fewshot = eval.spec.num_fewshot;
  r.category = eval.spec.category;
  r.dataset_size = eval.spec.size();
  r.examples = eval.score(responses);
  r.metrics = aggregate(r.examples);
  return r;
}

EvalResponses run_requests(const PreparedEval& eval, LanguageModel& model) {
  EvalResponses responses;
  if (!eval.loglikelihood_requests.empty()) responses.loglikelihood = model.loglikelihood(eval.loglikelihood_requests);
  if (!eval.generate_requests.empty()) responses.generate = model.generate(eval.generate_requests);
  return responses;
}

EvalResult evaluate(const PreparedEval& eval, LanguageModel& model) {
  return make_eval_result(eval, run_requests(eval, model));
}

}  // namespace mpt
