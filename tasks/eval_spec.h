// Evaluations: what one task file entry expands to. Each num_fewshot value is its own evaluation
// labelled "<label>/<k>-shot"; with has_categories every category of the data file is split off
// into its own evaluation "<label>/<k>-shot/<category>" (LLM Foundry's evaluator label), with its
// own example indices 0..n-1, its own random generator and few-shot examples from that category
// only. Categories are sorted by code point; rows keep file order within a category.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tasks/dataset.h"
#include "tasks/task_config.h"

namespace mpt {

struct EvalSpec {
  std::string label;                      // "<label>/<k>-shot" or "<label>/<k>-shot/<category>"
  std::shared_ptr<const TaskConfig> task;
  int64_t num_fewshot = 0;
  std::optional<std::string> category;
  std::shared_ptr<const Dataset> dataset;  // shared by the entry's evaluations
  std::vector<int64_t> rows;               // dataset rows of this evaluation, in order

  int64_t size() const { return static_cast<int64_t>(rows.size()); }
  // The gauntlet's benchmark key "<label>/<k>-shot" (categories share it).
  std::string benchmark_key() const;
};

// "<label>/<k>-shot".
std::string benchmark_key(const std::string& label, int64_t num_fewshot);

// Evaluations of one entry over its loaded dataset, in LLM Foundry's order: shots as listed, then
// categories sorted.
std::vector<EvalSpec> expand_evaluations(std::shared_ptr<const TaskConfig> task, std::shared_ptr<const Dataset> dataset);

// True when `selector` picks `label`: equal, or `label` continues it after a '/'
// ("jeopardy" and "jeopardy/3-shot" pick "jeopardy/3-shot/science").
bool label_matches(const std::string& label, const std::string& selector);
// label_matches on the evaluation's label, or "<task label>/<category>" for a category.
bool selects(const EvalSpec& spec, const std::string& selector);

}  // namespace mpt
