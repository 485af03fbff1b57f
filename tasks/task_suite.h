// Everything a task file asks for, with its data loaded: the entry point the runner uses.
//
//   TaskSuite suite = load_task_suite("tasks_v0.3.yaml", "/data/icl");
//   for (const EvalSpec& e : suite.evaluations) { PreparedEval p = prepare_eval(e, tok, opts); ... }
//   suite.missing   -> entries whose data file is absent (reported, never silently dropped)
//   suite.code_tasks -> code_evaluation entries, for tasks/code
#pragma once

#include <cstdint>

#include <memory>
#include <string>
#include <vector>

#include "tasks/eval_spec.h"
#include "tasks/task_config.h"

namespace mpt {

// A code_evaluation entry at one num_fewshot value; tasks/code loads its data and scores it.
struct CodeTaskSpec {
  std::string label;  // "<label>/<k>-shot"
  std::shared_ptr<const TaskConfig> task;
  int64_t num_fewshot = 0;
};

// An entry whose dataset file does not exist under the data root.
struct MissingTask {
  std::shared_ptr<const TaskConfig> task;
  std::vector<std::string> benchmark_keys;  // "<label>/<k>-shot" per num_fewshot
  std::string reason;                        // "no file at <path>"
};

struct TaskSuite {
  std::vector<EvalSpec> evaluations;  // file order; shots as listed; categories sorted
  std::vector<CodeTaskSpec> code_tasks;
  std::vector<MissingTask> missing;
  std::vector<std::string> warnings;  // already logged

  // Labels of every evaluation, code task and missing benchmark key (for messages).
  std::vector<std::string> all_labels() const;
};

struct SuiteOptions {
  // When non-empty, only entries some selector can match are loaded (see label_matches; the
  // selector's first '/'-separated part must equal the entry's label), and only matching
  // evaluations are kept. A selector that matches nothing is an error listing the labels.
  std::vector<std::string> selectors;
};

// Reads the task file (load_task_file), loads each selected entry's dataset once (load_dataset)
// and expands its evaluations. Missing data files are collected in `missing` (and logged);
// any other problem with a file throws mpt::Error. Duplicate evaluation labels are an error.
TaskSuite load_task_suite(const std::string& yaml_path, const std::string& data_root, const SuiteOptions& options = {});

}  // namespace mpt
