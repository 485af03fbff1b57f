// pass@k, the unbiased estimator of the Codex paper (Chen et al. 2021, arXiv:2107.03374):
//
//     pass@k = 1 - C(n - c, k) / C(n, k)     for one problem with n samples of which c passed,
//
// averaged over problems. Computed in the numerically stable product form
//     1 - prod_{i = n-c+1}^{n} (1 - k / i)
// (OpenAI human-eval's estimate_pass_at_k), which never forms a binomial coefficient.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

namespace mpt::sandbox {

// pass@k for one problem. Requires 0 <= c <= n and 1 <= k <= n; throws mpt::Error (Input) otherwise.
double pass_at_k(int64_t n, int64_t c, int64_t k);

struct ProblemCounts {
  int64_t samples = 0;  // n
  int64_t passed = 0;   // c
};

// The mean of pass_at_k over problems, for each k that every problem can afford (k <= n for all of
// them, as human-eval reports only those). Returns {k: value}; ks without enough samples are absent.
// Throws mpt::Error (Input) for an empty problem list or a k < 1.
std::map<int64_t, double> mean_pass_at_k(const std::vector<ProblemCounts>& problems, const std::vector<int64_t>& ks);

}  // namespace mpt::sandbox
