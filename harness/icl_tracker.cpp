#include "harness/icl_tracker.h"

#include "common/error.h"

namespace mpt {

IclTracker::IclTracker(const PreparedEval& eval, const std::vector<bool>& done) : eval_(eval) {
  responses_.loglikelihood.resize(eval.loglikelihood_requests.size());
  responses_.generate.resize(eval.generate_requests.size());
  example_of_ll_.resize(eval.loglikelihood_requests.size());
  example_of_gen_.resize(eval.generate_requests.size());
  remaining_.resize(eval.examples.size());
  const bool generation = !eval.generate_requests.empty();  // an evaluation uses one request form
  for (size_t e = 0; e < eval.examples.size(); ++e) {
    const PreparedExample& ex = eval.examples[e];
    if (e < done.size() && done[e]) continue;
    ++pending_examples_;
    remaining_[e] = ex.num_requests;
    for (size_t r = ex.first_request; r < ex.first_request + ex.num_requests; ++r) {
      (generation ? example_of_gen_ : example_of_ll_)[r] = e;
      (generation ? pending_gen_ : pending_ll_).push_back(r);
    }
  }
}

std::optional<ExampleResult> IclTracker::count_down(size_t example) {
  if (remaining_[example] == 0)
    throw runtime_error("a request was answered twice", eval_.spec.label, "one answer per request",
                        "another answer for example " + std::to_string(example));
  if (--remaining_[example] > 0) return std::nullopt;
  return eval_.score_one(example, responses_);
}

std::optional<ExampleResult> IclTracker::answer(size_t index, const LoglikelihoodResponse& response) {
  responses_.loglikelihood.at(index) = response;
  return count_down(example_of_ll_[index]);
}

std::optional<ExampleResult> IclTracker::answer(size_t index, const GenerateResponse& response) {
  responses_.generate.at(index) = response;
  return count_down(example_of_gen_[index]);
}

}  // namespace mpt
