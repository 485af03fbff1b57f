// The statistics of compare/check against values computed by hand (exact fractions).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "reports/statistics.h"

using namespace mpt::reports;

// Exact McNemar: p = min(1, 2 * sum_{i <= min(b,c)} C(b+c, i) / 2^(b+c)). Hand values as fractions;
// the tolerance (1e-12 relative) covers the log-space summation through lgamma.
TEST(McNemar, MatchesHandComputedValues) {
  struct Case { int64_t b, c; double p; const char* why; };
  const Case cases[] = {
      {10, 2, 158.0 / 4096.0, "2 * (C(12,0) + C(12,1) + C(12,2)) / 2^12 = 2 * 79 / 4096 = 0.0386"},
      {2, 10, 158.0 / 4096.0, "symmetric in b and c"},
      {0, 5, 2.0 / 32.0, "2 * C(5,0) / 2^5 = 0.0625"},
      {1, 9, 22.0 / 1024.0, "2 * (1 + 10) / 2^10 = 0.0215"},
      {3, 0, 2.0 / 8.0, "2 * 1 / 2^3 = 0.25"},
      {2, 0, 0.5, "2 * 1 / 4"},
      {3, 2, 1.0, "2 * (1 + 5 + 10) / 32 = 1"},
      {7, 7, 1.0, "capped at 1"},
      {0, 0, 1.0, "no discordant pairs: no evidence"},
      {60, 40, 0.05688793364098079, "2 * sum_{i<=40} C(100,i) / 2^100 (Python fractions)"},
      {40, 4, 1.7051434042514302e-08, "2 * sum_{i<=4} C(44,i) / 2^44"},
  };
  for (const Case& k : cases) EXPECT_NEAR(mcnemar_exact_p(k.b, k.c), k.p, 1e-12 * k.p) << k.b << "," << k.c << ": " << k.why;
}

TEST(McNemar, HandlesLargeCounts) {
  // 50,000 discordant pairs split evenly: p must be 1 (no overflow or NaN).
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(25000, 25000), 1.0);
  double p = mcnemar_exact_p(25500, 24500);  // z = 1000 / sqrt(50000) = 4.47: p ~ 7.8e-6
  EXPECT_GT(p, 5e-6);
  EXPECT_LT(p, 1.2e-5);
}

TEST(Bootstrap, IsSeededAndCoversTheMean) {
  std::vector<double> diffs;
  for (int i = 0; i < 1000; ++i) diffs.push_back(i % 10 == 0 ? 1.0 : (i % 10 == 1 ? -1.0 : 0.0));  // mean 0
  for (int i = 0; i < 50; ++i) diffs[static_cast<size_t>(i * 20 + 5)] = 1.0;  // mean +0.05
  Interval a = paired_bootstrap_ci(diffs, 4000, 0.95, 7);
  Interval b = paired_bootstrap_ci(diffs, 4000, 0.95, 7);
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.high, b.high);
  EXPECT_LT(a.low, 0.05);
  EXPECT_GT(a.high, 0.05);
  // Width against the normal approximation 2 * 1.96 * sd / sqrt(n); 15% covers resampling noise
  // with 4000 resamples.
  double mean = 0.05, var = 0;
  for (double d : diffs) var += (d - mean) * (d - mean);
  double expected = 2 * 1.959964 * std::sqrt(var / 999.0 / 1000.0);
  EXPECT_NEAR(a.high - a.low, expected, 0.15 * expected);
  Interval c = paired_bootstrap_ci(diffs, 4000, 0.95, 8);
  EXPECT_FALSE(c.low == a.low && c.high == a.high);
}

TEST(Bootstrap, DegenerateInputs) {
  std::vector<double> same(100, 0.0);
  Interval z = paired_bootstrap_ci(same, 1000, 0.95, 1);
  EXPECT_EQ(z.low, 0.0);
  EXPECT_EQ(z.high, 0.0);
  std::vector<double> ones(100, 1.0);
  Interval o = paired_bootstrap_ci(ones, 1000, 0.95, 1);
  EXPECT_DOUBLE_EQ(o.low, 1.0);
  EXPECT_DOUBLE_EQ(o.high, 1.0);
  Interval e = paired_bootstrap_ci({}, 1000, 0.95, 1);
  EXPECT_EQ(e.low, 0.0);
}

TEST(SignFlip, SeparatesSignalFromNoise) {
  std::vector<double> zeros(50, 0.0);
  EXPECT_DOUBLE_EQ(sign_flip_p(zeros, 999, 1), 1.0);
  std::vector<double> shifted(40, 0.25);  // every problem better by a quarter of its samples
  EXPECT_DOUBLE_EQ(sign_flip_p(shifted, 999, 1), 1.0 / 1000.0);  // only the all-positive signs reach it: P = 2^-39
  std::vector<double> mixed;
  for (int i = 0; i < 40; ++i) mixed.push_back(i % 2 ? 0.25 : -0.25);
  EXPECT_GT(sign_flip_p(mixed, 999, 1), 0.5);
}

TEST(Normal, QuantileAndTwoSidedP) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-9);
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-12);
  EXPECT_NEAR(normal_two_sided_p(1.959963984540054), 0.05, 1e-12);
  EXPECT_NEAR(normal_two_sided_p(-1.959963984540054), 0.05, 1e-12);
}
