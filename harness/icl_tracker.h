// Collects the responses of one ICL evaluation's pending examples and scores each example the
// moment its last request is answered (PreparedEval::score_one), whatever order responses come in.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "tasks/example_result.h"
#include "tasks/prepared_eval.h"

namespace mpt {

class IclTracker {
 public:
  // `done[i]`: example i is already stored and is not evaluated again. `eval` must outlive this.
  IclTracker(const PreparedEval& eval, const std::vector<bool>& done);

  // Request indices (into eval.loglikelihood_requests / generate_requests) of the pending examples.
  const std::vector<size_t>& pending_loglikelihood() const { return pending_ll_; }
  // The example a loglikelihood request belongs to (for error messages).
  size_t example_of_loglikelihood(size_t index) const { return example_of_ll_.at(index); }
  size_t example_of_generate(size_t index) const { return example_of_gen_.at(index); }
  const std::vector<size_t>& pending_generate() const { return pending_gen_; }
  int64_t pending_examples() const { return pending_examples_; }

  // Records the answer to request `index`; returns the example's result when it was the last one.
  std::optional<ExampleResult> answer(size_t index, const LoglikelihoodResponse& response);
  std::optional<ExampleResult> answer(size_t index, const GenerateResponse& response);

 private:
  std::optional<ExampleResult> count_down(size_t example);

  const PreparedEval& eval_;
  EvalResponses responses_;             // full size; only pending examples' entries are filled
  std::vector<size_t> example_of_ll_;   // request -> example position
  std::vector<size_t> example_of_gen_;
  std::vector<size_t> remaining_;       // per example: requests not answered yet
  std::vector<size_t> pending_ll_, pending_gen_;
  int64_t pending_examples_ = 0;
};

}  // namespace mpt
