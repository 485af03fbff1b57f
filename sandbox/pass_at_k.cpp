#include "sandbox/pass_at_k.h"

#include <algorithm>
#include <string>

#include "common/error.h"

namespace mpt::sandbox {

double pass_at_k(int64_t n, int64_t c, int64_t k) {
  if (n < 1 || c < 0 || c > n)
    throw input_error("invalid sample counts for pass@k", "", "1 <= n and 0 <= c <= n",
                      "n=" + std::to_string(n) + ", c=" + std::to_string(c));
  if (k < 1 || k > n)
    throw input_error("invalid k for pass@k", "", "1 <= k <= n = " + std::to_string(n), "k=" + std::to_string(k));
  if (n - c < k) return 1.0;  // every k-subset contains a passing sample
  // C(n-c, k) / C(n, k) = prod_{i=n-c+1}^{n} (i - k) / i; each factor is in [0, 1), so the product
  // only shrinks and cannot overflow, unlike the binomial coefficients themselves.
  double fail_all = 1.0;
  for (int64_t i = n - c + 1; i <= n; ++i) fail_all *= 1.0 - static_cast<double>(k) / static_cast<double>(i);
  return 1.0 - fail_all;
}

std::map<int64_t, double> mean_pass_at_k(const std::vector<ProblemCounts>& problems, const std::vector<int64_t>& ks) {
  if (problems.empty()) throw input_error("no problems to compute pass@k over", "", "at least one problem", "none");
  int64_t min_n = problems.front().samples;
  for (const auto& p : problems) min_n = std::min(min_n, p.samples);
  std::map<int64_t, double> out;
  for (int64_t k : ks) {
    if (k < 1) throw input_error("invalid k for pass@k", "", "k >= 1", "k=" + std::to_string(k));
    if (k > min_n) continue;
    double sum = 0.0;
    for (const auto& p : problems) sum += pass_at_k(p.samples, p.passed, k);
    out[k] = sum / static_cast<double>(problems.size());
  }
  return out;
}

}  // namespace mpt::sandbox
