// The statistics behind `compare` and `check`: paired tests on per-example scores of two runs over
// the same examples, and a paired bootstrap confidence interval. Exact where it matters, seeded
// and platform-independent where it resamples (our own xoshiro256** and unbiased bounded draws,
// not std::uniform_int_distribution, whose output differs between standard libraries).
#pragma once

#include <cstdint>
#include <span>

namespace mpt::reports {

struct Interval {
  double low = 0.0;
  double high = 0.0;
};

// Exact two-sided McNemar test: with b examples right in run A only and c right in run B only,
// p = min(1, 2 * P(X <= min(b, c))) for X ~ Binomial(b + c, 1/2). p = 1 when b + c = 0.
// Example: b = 10, c = 2 gives 2 * (C(12,0) + C(12,1) + C(12,2)) / 2^12 = 158 / 4096 = 0.0386.
double mcnemar_exact_p(int64_t b, int64_t c);

// Percentile bootstrap interval for the mean of paired differences `diffs` (B - A per example):
// `resamples` resamples of size n drawn with replacement, the mean of each, and the
// (1-confidence)/2 and (1+confidence)/2 quantiles (linear interpolation between order statistics).
// Deterministic for a given seed. Empty input gives {0, 0}.
Interval paired_bootstrap_ci(std::span<const double> diffs, int resamples, double confidence, uint64_t seed);

// Two-sided paired sign-flip permutation test of "mean difference = 0", for non-binary scores
// (e.g. per-problem pass fractions): p = (1 + #{|sum of randomly signed diffs| >= |observed sum|}) / (1 + resamples).
double sign_flip_p(std::span<const double> diffs, int resamples, uint64_t seed);

// Two-sided p-value of a standard normal statistic z: erfc(|z| / sqrt 2).
double normal_two_sided_p(double z);
// The standard normal quantile: x with P(Z <= x) = p, for 0 < p < 1 (to ~1e-12).
double normal_quantile(double p);

}  // namespace mpt::reports
