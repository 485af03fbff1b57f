// Choosing the next token from one row of logits: greedy or temperature / top-k / top-p sampling.
//
// Each sampler owns its random generator (std::mt19937_64, fully specified by the C++ standard),
// seeded from its sequence's own seed, so a sequence's samples depend only on its seed and its
// logits, never on which other sequences share the batch or in which order. No ATen here.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace mpt {

struct SamplingOptions {
  double temperature = 0.0;  // 0 = greedy: argmax, ties to the lowest id
  int32_t top_k = 0;         // keep the k most likely tokens; 0 = all
  double top_p = 1.0;        // keep the smallest most-likely set with probability >= top_p; 1 = all
  uint64_t seed = 0;

  // Input error naming `where` unless temperature >= 0, top_k >= 0 and 0 < top_p <= 1 (all finite).
  void validate(const std::string& where) const;
};

// The index of the largest value; ties go to the lowest index; NaNs are never chosen (0 if all are NaN).
int32_t argmax_lowest(const float* values, int64_t n);

class TokenSampler {
 public:
  explicit TokenSampler(const SamplingOptions& options);

  // The next token for one row of `vocab` float32 logits. As in HF: logits / temperature, then the
  // top-k filter, then the top-p filter on the renormalised probabilities, then one draw.
  int32_t next(const float* logits, int64_t vocab);

 private:
  double uniform();  // [0, 1) with 53 random bits

  SamplingOptions options_;
  std::mt19937_64 rng_;
};

}  // namespace mpt
