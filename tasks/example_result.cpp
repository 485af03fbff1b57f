#include "tasks/example_result.h"

#include <cmath>

namespace mpt {

std::optional<double> ExampleResult::metric(const std::string& name) const {
  for (const MetricValue& m : metrics)
    if (m.name == name) return m.value;
  return std::nullopt;
}

std::vector<MetricSummary> aggregate(const std::vector<ExampleResult>& examples) {
  std::vector<MetricSummary> out;
  std::vector<std::vector<double>> values;
  for (const ExampleResult& e : examples) {
    for (const MetricValue& m : e.metrics) {
      size_t i = 0;
      while (i < out.size() && out[i].name != m.name) ++i;
      if (i == out.size()) {
        out.push_back({m.name, 0.0, std::nullopt, 0});
        values.emplace_back();
      }
      values[i].push_back(m.value);
    }
  }
  for (size_t i = 0; i < out.size(); ++i) {
    const std::vector<double>& v = values[i];
    double sum = 0.0;
    for (double x : v) sum += x;
    const double n = static_cast<double>(v.size());
    out[i].count = static_cast<int64_t>(v.size());
    out[i].mean = sum / n;
    if (v.size() >= 2) {
      double ss = 0.0;
      for (double x : v) ss += (x - out[i].mean) * (x - out[i].mean);
      out[i].stderr_mean = std::sqrt(ss / (n - 1.0)) / std::sqrt(n);
    }
  }
  return out;
}

}  // namespace mpt
