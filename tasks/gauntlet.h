// LLM Foundry's eval gauntlet (llmfoundry/callbacks/eval_gauntlet_callback.py at 8c8dd48f7):
// composite scores over benchmark accuracies.
//
//   benchmark raw   = mean accuracy of the evaluations whose benchmark key is "<name>/<k>-shot"
//                     (a has_categories task's categories are averaged with equal weight)
//   benchmark score = (raw - random_baseline) / (1 - random_baseline)   (subtract + rescale;
//                     raw - baseline with subtract only; raw otherwise)
//   weight          = EQUAL: 1; SAMPLE_SZ: n; LOG_SAMPLE_SZ: max(log2(n), 1), where
//                     n = max(sum of dataset sizes of evaluations whose label starts with the key, 1)
//   category        = sum(score * weight / total weight) over its benchmarks
//   named average   = plain mean of its categories' scores (default: "default_average" of all)
//
// LLM Foundry drops a category with any missing benchmark (with a log warning) and averages only
// the remaining categories (0 when none remain). Here nothing is dropped silently: a category
// keeps `score` unset and reports `missing` plus a `partial_score` over the present benchmarks;
// averages report LLM Foundry's value and, when not complete, which categories were missing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mpt {

enum class GauntletWeighting { Equal, SampleSize, LogSampleSize };
const char* to_string(GauntletWeighting w);  // "EQUAL", "SAMPLE_SZ", "LOG_SAMPLE_SZ"

struct GauntletBenchmark {
  std::string name;
  int64_t num_fewshot = 0;
  double random_baseline = 0.0;
  std::string key() const;  // "<name>/<num_fewshot>-shot"
};

struct GauntletCategory {
  std::string name;
  std::vector<GauntletBenchmark> benchmarks;
};

struct GauntletConfig {
  GauntletWeighting weighting = GauntletWeighting::Equal;
  bool subtract_random_baseline = true;
  bool rescale_accuracy = true;
  std::vector<GauntletCategory> categories;
  std::vector<std::pair<std::string, std::vector<std::string>>> averages;  // in file order
  std::vector<std::string> warnings;  // e.g. an average naming an undefined category (also logged)
};

// Reads `eval_gauntlet` (or LLM Foundry's older `model_gauntlet`) from a YAML file; the value may
// also be a path to a file holding it. Throws mpt::Error (Input) naming file:line and key for
// unknown keys, wrong types, a missing required key (categories, a benchmark's name, num_fewshot
// or random_baseline), an unknown weighting, rescale_accuracy without subtract_random_baseline, a
// random_baseline >= 1 with rescaling, or an average named like a category.
GauntletConfig load_gauntlet_config(const std::string& yaml_path);

// One evaluation's accuracy (EvalResult gives all three).
struct BenchmarkScore {
  std::string label;          // "<label>/<k>-shot[/<category>]"
  std::string benchmark_key;  // "<label>/<k>-shot"
  double accuracy = 0.0;
  int64_t dataset_size = 0;   // all rows of the evaluation (not just the --limit ones)
};

struct GauntletBenchmarkResult {
  std::string key;
  double random_baseline = 0.0;
  double weight = 1.0;
  std::optional<double> raw;    // unset when missing
  std::optional<double> score;  // after baseline subtraction and rescaling
  std::vector<std::string> parts;  // labels of the evaluations averaged into raw
};

struct GauntletCategoryResult {
  std::string name;
  std::optional<double> score;          // LLM Foundry's value; unset when a benchmark is missing
  std::optional<double> partial_score;  // the same formula over the present benchmarks only
  std::vector<std::string> missing;     // benchmark keys without results
  std::vector<GauntletBenchmarkResult> benchmarks;
  bool complete() const { return missing.empty(); }
};

struct GauntletAverageResult {
  std::string name;
  double score = 0.0;  // LLM Foundry's value: mean of the categories that have a score (0 if none)
  std::optional<double> partial_score;  // mean of the categories' partial scores
  std::vector<std::string> categories;
  std::vector<std::string> missing_categories;  // incomplete or undefined categories
  bool complete() const { return missing_categories.empty(); }
};

struct GauntletResult {
  std::vector<GauntletCategoryResult> categories;
  std::vector<GauntletAverageResult> averages;
  bool complete() const;
};

GauntletResult compute_gauntlet(const GauntletConfig& config, const std::vector<BenchmarkScore>& scores);

}  // namespace mpt
