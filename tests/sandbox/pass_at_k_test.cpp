// pass@k against closed forms and against a direct count over all k-subsets of the samples.
#include <cmath>

#include <gtest/gtest.h>

#include "common/error.h"
#include "sandbox/pass_at_k.h"

namespace mpt::sandbox {
namespace {

// Fraction of the k-subsets of n samples (the first c of which pass) that contain a passing sample:
// the definition of pass@k, counted directly.
double count_subsets(int n, int c, int k) {
  int64_t hit = 0, total = 0;
  for (uint32_t mask = 0; mask < (1u << n); ++mask) {
    if (__builtin_popcount(mask) != k) continue;
    ++total;
    hit += (mask & ((1u << c) - 1)) != 0;
  }
  return static_cast<double>(hit) / static_cast<double>(total);
}

// 1 - C(n-c, k) / C(n, k) through log-gamma in long double, independent of the product form.
double via_lgamma(int64_t n, int64_t c, int64_t k) {
  if (n - c < k) return 1.0;
  auto lchoose = [](long double a, long double b) { return std::lgamma(a + 1) - std::lgamma(b + 1) - std::lgamma(a - b + 1); };
  return static_cast<double>(1.0L - std::exp(lchoose(n - c, k) - lchoose(n, k)));
}

// Tolerances: the product form and the subset count agree to rounding (a dozen multiplications of
// doubles): 1e-12. The lgamma reference carries its own ~1e-15 relative error per term, amplified by
// exp of values up to ~300 in magnitude: 1e-9.
TEST(PassAtK, MatchesADirectCountOverAllSubsets) {
  for (int n = 1; n <= 12; ++n)
    for (int c = 0; c <= n; ++c)
      for (int k = 1; k <= n; ++k) EXPECT_NEAR(pass_at_k(n, c, k), count_subsets(n, c, k), 1e-12) << n << " " << c << " " << k;
}

TEST(PassAtK, ClosedForms) {
  // pass@1 = c / n; the product form gets there through c multiplications, each rounding once
  // (relative 1.1e-16), so allow 1e-14.
  EXPECT_NEAR(pass_at_k(10, 3, 1), 0.3, 1e-14);
  EXPECT_NEAR(pass_at_k(200, 37, 1), 37.0 / 200, 1e-14);
  EXPECT_EQ(pass_at_k(10, 0, 5), 0.0);              // nothing passed
  EXPECT_EQ(pass_at_k(10, 10, 5), 1.0);             // everything passed
  EXPECT_EQ(pass_at_k(10, 6, 5), 1.0);              // n - c < k: every subset holds a pass
  EXPECT_NEAR(pass_at_k(5, 1, 2), 1 - 6.0 / 10, 1e-15);   // 1 - C(4,2)/C(5,2)
  EXPECT_NEAR(pass_at_k(4, 2, 2), 1 - 1.0 / 6, 1e-15);    // 1 - C(2,2)/C(4,2)
  EXPECT_DOUBLE_EQ(pass_at_k(1, 1, 1), 1.0);
}

TEST(PassAtK, StableForLargeN) {
  // C(200, 100) ~ 9e58 overflows nothing here because the product form never builds it.
  for (int64_t c : {0, 1, 3, 50, 100, 150})
    for (int64_t k : {1, 10, 100}) EXPECT_NEAR(pass_at_k(200, c, k), via_lgamma(200, c, k), 1e-9) << c << " " << k;
}

TEST(PassAtK, MeanOverProblemsReportsOnlyAffordableK) {
  std::vector<ProblemCounts> problems = {{10, 5}, {10, 0}, {20, 20}};
  auto m = mean_pass_at_k(problems, {1, 10, 100});
  ASSERT_EQ(m.size(), 2u);  // k=100 > n for every problem: absent, as in human-eval
  EXPECT_NEAR(m[1], (0.5 + 0.0 + 1.0) / 3, 1e-15);
  EXPECT_NEAR(m[10], (1.0 + 0.0 + 1.0) / 3, 1e-15);
}

TEST(PassAtK, RejectsImpossibleCounts) {
  EXPECT_THROW(pass_at_k(5, 6, 1), Error);
  EXPECT_THROW(pass_at_k(5, 2, 6), Error);
  EXPECT_THROW(pass_at_k(5, 2, 0), Error);
  EXPECT_THROW(mean_pass_at_k({}, {1}), Error);
  EXPECT_THROW(mean_pass_at_k({{5, 1}}, {0}), Error);
}

}  // namespace
}  // namespace mpt::sandbox
