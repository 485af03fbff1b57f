// The one fake LanguageModel of the test suites (tasks, harness, distributed): answers come from
// the callbacks a test sets, or from deterministic defaults; every call and request is counted.
// Header-only, so that any test target can use it without linking another test library.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "tasks/requests.h"

namespace mpt::test {

// A deterministic answer that depends on every token of the request (a stand-in for a model):
// FNV-1a over context and continuation, one log-probability per continuation token.
inline LoglikelihoodResponse pseudo_loglikelihood(const LoglikelihoodRequest& r) {
  uint64_t h = 1469598103934665603ull;
  for (TokenId t : r.context) h = (h ^ static_cast<uint64_t>(t)) * 1099511628211ull;
  LoglikelihoodResponse out;
  out.num_tokens = static_cast<int32_t>(r.continuation.size());
  for (TokenId t : r.continuation) {
    h = (h ^ static_cast<uint64_t>(t)) * 1099511628211ull;
    float lp = -static_cast<float>(h % 1000) / 100.0f;
    out.token_logprobs.push_back(lp);
    out.logprob += lp;
    out.greedy = out.greedy && h % 3 == 0;
  }
  return out;
}

class FakeLanguageModel : public LanguageModel {
 public:
  // Unset: pseudo_loglikelihood, and a one-token generation " nothing" that ran to its length.
  std::function<LoglikelihoodResponse(const LoglikelihoodRequest&)> on_loglikelihood;
  std::function<GenerateResponse(const GenerateRequest&)> on_generate;
  int32_t max_length = 2048;

  int loglikelihood_calls = 0, generate_calls = 0;
  int64_t loglikelihood_requests = 0, generate_requests = 0;
  int64_t requests_answered() const { return loglikelihood_requests + generate_requests; }

  std::vector<LoglikelihoodResponse> loglikelihood(const std::vector<LoglikelihoodRequest>& requests,
                                                   const LoglikelihoodCallback& cb = {}) override {
    ++loglikelihood_calls;
    loglikelihood_requests += static_cast<int64_t>(requests.size());
    std::vector<LoglikelihoodResponse> out;
    for (size_t i = 0; i < requests.size(); ++i) {
      out.push_back(on_loglikelihood ? on_loglikelihood(requests[i]) : pseudo_loglikelihood(requests[i]));
      if (cb) cb(i, out.back());
    }
    return out;
  }

  std::vector<GenerateResponse> generate(const std::vector<GenerateRequest>& requests,
                                         const GenerateCallback& cb = {}) override {
    ++generate_calls;
    generate_requests += static_cast<int64_t>(requests.size());
    std::vector<GenerateResponse> out;
    for (size_t i = 0; i < requests.size(); ++i) {
      out.push_back(on_generate ? on_generate(requests[i]) : GenerateResponse{{7}, " nothing", FinishReason::Length});
      if (cb) cb(i, out.back());
    }
    return out;
  }

  int32_t max_sequence_length() const override { return max_length; }
};

}  // namespace mpt::test
