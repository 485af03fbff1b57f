#include "reports/statistics.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace mpt::reports {
namespace {

// xoshiro256** (Blackman & Vigna), seeded through splitmix64: fast, and the same sequence on
// every platform, which keeps bootstrap intervals reproducible across machines.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& s : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      s = z ^ (z >> 31);
    }
  }
  uint64_t next() {
    uint64_t result = rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n) without modulo bias (Lemire's multiply-and-reject).
  uint64_t below(uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>(next()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      uint64_t threshold = -n % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

double quantile_sorted(const std::vector<double>& v, double q) {
  double pos = q * static_cast<double>(v.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

}  // namespace

double mcnemar_exact_p(int64_t b, int64_t c) {
  int64_t n = b + c;
  if (n == 0) return 1.0;
  int64_t k = std::min(b, c);
  // Sum the binomial(n, 1/2) probabilities of 0..k in log space (n can be in the hundred thousands).
  const double log_total = static_cast<double>(n) * std::log(2.0);
  const double log_n_fact = std::lgamma(static_cast<double>(n) + 1.0);
  double sum = 0.0;
  for (int64_t i = 0; i <= k; ++i) {
    double log_choose = log_n_fact - std::lgamma(static_cast<double>(i) + 1.0) -
                        std::lgamma(static_cast<double>(n - i) + 1.0);
    sum += std::exp(log_choose - log_total);
  }
  return std::min(1.0, 2.0 * sum);
}

Interval paired_bootstrap_ci(std::span<const double> diffs, int resamples, double confidence, uint64_t seed) {
  if (diffs.empty() || resamples <= 0) return {0.0, 0.0};
  Rng rng(seed);
  const uint64_t n = diffs.size();
  std::vector<double> means(static_cast<size_t>(resamples));
  for (double& m : means) {
    double sum = 0.0;
    for (uint64_t i = 0; i < n; ++i) sum += diffs[rng.below(n)];
    m = sum / static_cast<double>(n);
  }
  std::sort(means.begin(), means.end());
  double tail = (1.0 - confidence) / 2.0;
  return {quantile_sorted(means, tail), quantile_sorted(means, 1.0 - tail)};
}

double sign_flip_p(std::span<const double> diffs, int resamples, uint64_t seed) {
  if (diffs.empty() || resamples <= 0) return 1.0;
  double observed = 0.0;
  for (double d : diffs) observed += d;
  observed = std::fabs(observed);
  // Sums of doubles in another order can differ in the last bits; count ties as extreme.
  const double tolerance = 1e-9 * (1.0 + observed);
  Rng rng(seed);
  int64_t extreme = 0;
  for (int r = 0; r < resamples; ++r) {
    double sum = 0.0;
    uint64_t bits = 0;
    for (size_t i = 0; i < diffs.size(); ++i) {
      if (i % 64 == 0) bits = rng.next();
      sum += (bits & 1) ? diffs[i] : -diffs[i];
      bits >>= 1;
    }
    if (std::fabs(sum) >= observed - tolerance) ++extreme;
  }
  return static_cast<double>(extreme + 1) / static_cast<double>(resamples + 1);
}

double normal_two_sided_p(double z) { return std::erfc(std::fabs(z) / std::sqrt(2.0)); }

double normal_quantile(double p) {
  // Bisection on the CDF: slow by numerical standards, but called a handful of times per report.
  double lo = -40.0, hi = 40.0;
  for (int i = 0; i < 200 && hi - lo > 1e-13; ++i) {
    double mid = 0.5 * (lo + hi);
    double cdf = 0.5 * std::erfc(-mid / std::sqrt(2.0));
    (cdf < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace mpt::reports
