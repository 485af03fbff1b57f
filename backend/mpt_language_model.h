// The LanguageModel of tasks/requests.h served by a loaded MPT checkpoint and its tokenizer.
//
// Log-likelihood requests go through the scoring plan (scoring_plan.h): duplicates merged, each
// context computed once for all of its continuations, logits computed only at the positions that
// are scored. Two execution modes:
//
//   exact   (default on CPU) every request's numbers are a pure function of its own context and
//           continuation: the context runs alone, then each continuation alone against the
//           context's keys and values. BLAS kernels round differently for different matrix
//           shapes, so this is what makes results bit-identical whatever the batch, the order, the
//           subset being resumed or the number of ranks.
//   batched (default on CUDA) groups are packed into right-padded batches under a token budget,
//           one row per group (context, then every continuation attending to it), one forward pass
//           per batch (branched_scoring.h): the fast path; results agree with exact mode to
//           floating-point rounding.
//
// Generation requests become generation jobs (models/generation.h); stop strings are checked on
// the decoded new text after every token (stop_matcher.h). In exact mode every sequence is decoded
// alone (a batch of one row), for the same reason: its tokens then depend only on its own prompt,
// options and seed, bit for bit. Batched mode decodes `generation_rows` sequences together.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tasks/requests.h"

namespace mpt {

class MptModel;
class TokenizerInterface;

struct MptLanguageModelOptions {
  enum class Mode { Auto, Exact, Batched };
  Mode mode = Mode::Auto;          // Auto: Exact on CPU, Batched on CUDA
  int64_t batch_tokens = 8192;     // token budget of one scoring batch (batched mode)
  int64_t generation_rows = 32;    // sequences decoded together (batched mode; exact mode: 1)
};

class MptLanguageModel : public LanguageModel {
 public:
  // `model` and `tokenizer` must outlive this object. The tokenizer decodes generated text and
  // gives the end-of-text id (generation's EOS, and the context of a request without one).
  MptLanguageModel(const MptModel& model, const TokenizerInterface& tokenizer, MptLanguageModelOptions options = {});

  std::vector<LoglikelihoodResponse> loglikelihood(const std::vector<LoglikelihoodRequest>& requests,
                                                   const LoglikelihoodCallback& on_response = {}) override;
  std::vector<GenerateResponse> generate(const std::vector<GenerateRequest>& requests,
                                         const GenerateCallback& on_response = {}) override;
  int32_t max_sequence_length() const override;
  std::string nonfinite_origin(const Tokens& tokens) override;  // MptModel::first_nonfinite_stage

  bool exact() const { return exact_; }

 private:
  const MptModel& model_;
  const TokenizerInterface& tokenizer_;
  MptLanguageModelOptions options_;
  bool exact_;
};

}  // namespace mpt
