#include "tasks/gauntlet.h"

#include <algorithm>
#include <cmath>

namespace mpt {
namespace {

double benchmark_weight(const GauntletConfig& config, const std::string& key, const std::vector<BenchmarkScore>& scores) {
  if (config.weighting == GauntletWeighting::Equal) return 1.0;
  int64_t n = 0;
  for (const BenchmarkScore& s : scores)
    if (s.label.rfind(key, 0) == 0) n += s.dataset_size;  // LLM Foundry's startswith on evaluator labels
  n = std::max<int64_t>(n, 1);
  if (config.weighting == GauntletWeighting::SampleSize) return static_cast<double>(n);
  return std::max(std::log2(static_cast<double>(n)), 1.0);
}

std::optional<double> weighted(const std::vector<GauntletBenchmarkResult>& benchmarks) {
  double total = 0.0, sum = 0.0;
  for (const auto& b : benchmarks)
    if (b.score) total += b.weight;
  if (total == 0.0) return std::nullopt;
  for (const auto& b : benchmarks)
    if (b.score) sum += *b.score * (b.weight / total);
  return sum;
}

}  // namespace

const char* to_string(GauntletWeighting w) {
  switch (w) {
    case GauntletWeighting::Equal: return "EQUAL";
    case GauntletWeighting::SampleSize: return "SAMPLE_SZ";
    case GauntletWeighting::LogSampleSize: return "LOG_SAMPLE_SZ";
  }
  return "unknown";
}

std::string GauntletBenchmark::key() const { return name + "/" + std::to_string(num_fewshot) + "-shot"; }

bool GauntletResult::complete() const {
  for (const auto& c : categories)
    if (!c.complete()) return false;
  for (const auto& a : averages)
    if (!a.complete()) return false;
  return true;
}

GauntletResult compute_gauntlet(const GauntletConfig& config, const std::vector<BenchmarkScore>& scores) {
  GauntletResult out;
  for (const GauntletCategory& cat : config.categories) {
    GauntletCategoryResult cr;
    cr.name = cat.name;
    for (const GauntletBenchmark& b : cat.benchmarks) {
      GauntletBenchmarkResult br;
      br.key = b.key();
      br.random_baseline = b.random_baseline;
      br.weight = benchmark_weight(config, br.key, scores);
      double sum = 0.0;
      for (const BenchmarkScore& s : scores)
        if (s.benchmark_key == br.key) {
          sum += s.accuracy;
          br.parts.push_back(s.label);
        }
      if (br.parts.empty()) {
        cr.missing.push_back(br.key);
      } else {
        br.raw = sum / static_cast<double>(br.parts.size());
        double score = *br.raw;
        if (config.subtract_random_baseline) score -= b.random_baseline;
        if (config.rescale_accuracy && config.subtract_random_baseline) score /= 1.0 - b.random_baseline;
        br.score = score;
      }
      cr.benchmarks.push_back(std::move(br));
    }
    cr.partial_score = weighted(cr.benchmarks);
    if (cr.complete()) cr.score = cr.partial_score;
    out.categories.push_back(std::move(cr));
  }
  for (const auto& [name, members] : config.averages) {
    GauntletAverageResult ar;
    ar.name = name;
    ar.categories = members;
    double full = 0.0, partial = 0.0;
    int full_n = 0, partial_n = 0;
    // Like LLM Foundry, walk the categories (not the list), so a repeated name counts once.
    for (const GauntletCategoryResult& c : out.categories) {
      if (std::find(members.begin(), members.end(), c.name) == members.end()) continue;
      if (c.score) full += *c.score, ++full_n;
      if (c.partial_score) partial += *c.partial_score, ++partial_n;
    }
    for (const std::string& m : members) {
      auto it = std::find_if(out.categories.begin(), out.categories.end(), [&](const auto& c) { return c.name == m; });
      bool missing = it == out.categories.end() || !it->complete();
      if (missing && std::find(ar.missing_categories.begin(), ar.missing_categories.end(), m) == ar.missing_categories.end())
        ar.missing_categories.push_back(m);
    }
    ar.score = full_n ? full / full_n : 0.0;
    if (partial_n) ar.partial_score = partial / partial_n;
    out.averages.push_back(std::move(ar));
  }
  return out;
}

}  // namespace mpt
