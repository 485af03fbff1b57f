// The aggregated results file of lm-evaluation-harness (results_<date>.json; lm-eval's
// EvalResults in lm_eval/result_schema.py) for a stored run. Keys and where each value comes from:
// docs/results.md ("lm-evaluation-harness files").
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "results/records.h"

namespace mpt::reports {

struct LmEvalTask {
  std::string name;  // lm-eval's task name (lm_eval_task_names)
  results::TaskInfo info;
  std::vector<results::MetricRecord> metrics;
  std::string task_hash;  // lm-eval's task_hashes entry, "" when the samples have no hashes
};

// `model_dir` is the sanitized model name the files go under.
nlohmann::ordered_json results_document(const results::RunInfo& run, const std::string& model_dir,
                                        const std::vector<LmEvalTask>& tasks,
                                        const std::vector<results::GauntletRecord>& gauntlet);

}  // namespace mpt::reports
