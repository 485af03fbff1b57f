// Per-example scores and their aggregation.
//
// Metric names (per example, 0 or 1):
//   accuracy  LLM Foundry's metric for the task type (the gauntlet uses it):
//             LM: every continuation token is the greedy argmax; multiple choice / schema: the
//             option with the lowest mean per-token NLL is gold (ties to the first); generation:
//             exact match after LLM Foundry's cleaning.
//   acc       lm-evaluation-harness: the option with the highest summed log-likelihood is gold
//             (LM: greedy match, as lm-eval's lambada "acc"). Not for generation.
//   acc_norm  lm-evaluation-harness: the highest log-likelihood divided by the option's length
//             in characters (code points of the scored piece, leading space included).
//             Multiple choice and schema only.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mpt {

struct MetricValue {
  std::string name;
  double value = 0.0;
};

struct ExampleResult {
  int64_t index = 0;  // example index within the evaluation
  int64_t row = 0;    // dataset row (file order)
  std::vector<MetricValue> metrics;  // "accuracy" first
  nlohmann::json details;            // per type: log-likelihoods, choice made, generated text, ...

  std::optional<double> metric(const std::string& name) const;
};

struct MetricSummary {
  std::string name;
  double mean = 0.0;
  // Sample standard error of the mean, sqrt(sum((x - mean)^2) / (n - 1)) / sqrt(n), what
  // lm-evaluation-harness reports for mean metrics; nullopt when n < 2.
  std::optional<double> stderr_mean;
  int64_t count = 0;
};

// Mean and standard error of every metric, in first-seen order. An empty input gives no metrics.
std::vector<MetricSummary> aggregate(const std::vector<ExampleResult>& examples);

}  // namespace mpt
