// The narrow waist between tasks and the model (see DESIGN.md).
//
// Tasks build requests from prompts and score responses; they never see tensors. The harness turns
// requests into batched forward passes and generation; the model never sees tasks. A fake model
// implementing LanguageModel makes every task testable without weights.
//
// Contracts every LanguageModel keeps:
//   * responses[i] answers requests[i]; the result for a request never depends on which other
//     requests are in the call, their order, or the batch size (up to floating-point reassociation
//     on accelerators; bit-identical in float32 on CPU);
//   * on_response, when given, is called once per request as soon as its response is final (in any
//     order, from the calling thread), so that callers can store or execute results while the rest
//     is still being computed;
//   * errors are thrown as mpt::Error; a request the model cannot serve (e.g. longer than its
//     context) is an Input error naming the request index.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/tokens.h"

namespace mpt {

// log P(continuation | context), summed over the continuation's tokens.
struct LoglikelihoodRequest {
  Tokens context;       // conditioning tokens; may be empty only when the model has a BOS to start from
  Tokens continuation;  // scored tokens; empty gives logprob 0, greedy true, num_tokens 0
};

struct LoglikelihoodResponse {
  double logprob = 0.0;               // sum of log-probabilities of the continuation tokens
  bool greedy = true;                 // every continuation token is the argmax (ties go to the lowest id)
  int32_t num_tokens = 0;             // continuation.size()
  std::vector<float> token_logprobs;  // per continuation token, same order
};

struct SamplingParams {
  double temperature = 0.0;  // 0 = greedy (argmax, ties to the lowest id)
  int32_t top_k = 0;         // 0 = no top-k filter
  double top_p = 1.0;        // 1 = no nucleus filter
  uint64_t seed = 0;         // a request's own seed: the same request and seed give the same sample
};

struct GenerateRequest {
  Tokens prompt;
  int32_t max_new_tokens = 0;
  std::vector<std::string> stop;  // stop once the decoded new text contains one of these
  SamplingParams sampling;
  bool stop_at_eos = true;        // stop on the tokenizer's end-of-text id
};

enum class FinishReason { Length, Stop, Eos };

struct GenerateResponse {
  Tokens tokens;     // every generated token (a stop sequence's tokens included)
  std::string text;  // decoded tokens, cut just before the first stop sequence when finish == Stop
  FinishReason finish = FinishReason::Length;
};

const char* to_string(FinishReason r);

class LanguageModel {
 public:
  virtual ~LanguageModel() = default;

  using LoglikelihoodCallback = std::function<void(size_t index, const LoglikelihoodResponse&)>;
  using GenerateCallback = std::function<void(size_t index, const GenerateResponse&)>;

  virtual std::vector<LoglikelihoodResponse> loglikelihood(const std::vector<LoglikelihoodRequest>& requests,
                                                           const LoglikelihoodCallback& on_response = {}) = 0;
  virtual std::vector<GenerateResponse> generate(const std::vector<GenerateRequest>& requests,
                                                 const GenerateCallback& on_response = {}) = 0;

  // Longest context + continuation the model accepts in one request (tasks truncate to this).
  virtual int32_t max_sequence_length() const = 0;
  // Diagnostics after a non-finite output: where the forward pass over `tokens` first produces a
  // NaN or Inf (e.g. "block 3 (attention)"), or "" when the model cannot tell.
  virtual std::string nonfinite_origin(const Tokens& tokens) { (void)tokens; return ""; }
};

}  // namespace mpt
