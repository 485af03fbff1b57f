// One stored task's examples as lm-evaluation-harness's per-sample records (the lines of its
// samples_<task>_<date>.jsonl), and the metric names lm-eval uses for mpt-eval's metrics.
// The mapping and its limits are in docs/results.md ("lm-evaluation-harness files").
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "results/records.h"

namespace mpt::reports {

// lm-eval's name for a metric of a task of this type: generation tasks' "accuracy" (LLM Foundry's
// exact match after its answer cleaning) is "exact_match"; every other name is kept ("acc",
// "acc_norm" and "pass@k" are already lm-eval's; "accuracy" is LLM Foundry's own metric).
std::string lm_eval_metric_name(const std::string& task_type, const std::string& metric);

// lm-eval's output_type for a task type: "loglikelihood" (language modelling), "multiple_choice"
// (multiple choice and schema), "generate_until" (generation and code).
std::string lm_eval_output_type(const std::string& task_type);

struct SampleRecords {
  std::vector<nlohmann::ordered_json> lines;  // one per stored example, by example index
  // sha256 over every sample's doc_hash + prompt_hash + target_hash (lm-eval's task_hashes
  // entry); empty when some example has no stored prompt (rows stored before prompts were kept).
  std::string task_hash;
};

// The records of one task. `code_samples` are the task's generated programs (code tasks; empty
// otherwise). Runtime error naming the task and example when a stored row lacks a field its type
// needs (a corrupt store).
SampleRecords sample_records(const results::TaskInfo& task, const std::vector<results::ExampleRecord>& examples,
                             const std::vector<results::CodeSampleRecord>& code_samples);

}  // namespace mpt::reports
