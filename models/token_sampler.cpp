#include "models/token_sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "common/error.h"

namespace mpt {

void SamplingOptions::validate(const std::string& where) const {
  if (!std::isfinite(temperature) || temperature < 0)
    throw input_error("bad sampling temperature", where, "a number >= 0 (0 = greedy)", std::to_string(temperature));
  if (top_k < 0) throw input_error("bad top-k", where, "an integer >= 0 (0 = no limit)", std::to_string(top_k));
  if (!std::isfinite(top_p) || top_p <= 0 || top_p > 1)
    throw input_error("bad top-p", where, "a number in (0, 1] (1 = no limit)", std::to_string(top_p));
}

int32_t argmax_lowest(const float* values, int64_t n) {
  int64_t best = -1;
  for (int64_t i = 0; i < n; ++i)
    if (!std::isnan(values[i]) && (best < 0 || values[i] > values[best])) best = i;
  return static_cast<int32_t>(std::max<int64_t>(best, 0));
}

TokenSampler::TokenSampler(const SamplingOptions& options) : options_(options), rng_(options.seed) {}

double TokenSampler::uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }

int32_t TokenSampler::next(const float* logits, int64_t vocab) {
  if (options_.temperature == 0) return argmax_lowest(logits, vocab);

  // Candidates, most likely first (ties: lowest id first). Sorting is only needed for the filters.
  std::vector<int32_t> ids(static_cast<size_t>(vocab));
  std::iota(ids.begin(), ids.end(), 0);
  auto higher = [&](int32_t a, int32_t b) {
    float x = std::isnan(logits[a]) ? -INFINITY : logits[a], y = std::isnan(logits[b]) ? -INFINITY : logits[b];
    return x > y || (x == y && a < b);
  };
  size_t keep = ids.size();
  const bool top_k = options_.top_k > 0 && options_.top_k < vocab;
  if (top_k) {
    keep = static_cast<size_t>(options_.top_k);
    std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(keep), ids.end(), higher);
  } else if (options_.top_p < 1) {
    std::sort(ids.begin(), ids.end(), higher);
  }

  const float top = logits[*std::min_element(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(keep), higher)];
  std::vector<double> weight(keep);
  double total = 0;
  for (size_t i = 0; i < keep; ++i) {
    double l = std::isnan(logits[ids[i]]) ? -INFINITY : logits[ids[i]];
    weight[i] = std::exp((l - top) / options_.temperature);
    total += weight[i];
  }
  if (options_.top_p < 1) {
    // The smallest prefix (in probability order) whose mass reaches top_p; always at least one token.
    double mass = 0;
    size_t n = 0;
    while (n < keep) {
      mass += weight[n++];
      if (mass >= options_.top_p * total) break;
    }
    keep = n;
    total = mass;
  }
  double u = uniform() * total;
  for (size_t i = 0; i < keep; ++i) {
    u -= weight[i];
    if (u < 0) return ids[i];
  }
  // Rounding left a sliver: the last candidate with weight.
  for (size_t i = keep; i-- > 0;)
    if (weight[i] > 0) return ids[i];
  return ids[0];
}

}  // namespace mpt
