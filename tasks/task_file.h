// Reading an LLM Foundry task file: the `icl_tasks` list (or a path to a file holding it), as in
// LLM Foundry's eval yamls. Other top-level keys (models, fsdp_config, ...) are ignored with a
// warning; `eval_gauntlet` is read by load_gauntlet_config instead.
#pragma once

#include <string>
#include <vector>

#include "tasks/task_config.h"

namespace mpt {

struct TaskFile {
  std::vector<TaskConfig> tasks;      // in file order
  std::vector<std::string> warnings;  // also logged (MPT_LOG Warn) when produced
};

// Parses and validates every entry; dataset paths are resolved against `data_root` (files are
// not opened here). Throws mpt::Error (Input) naming the file, line and key for: malformed YAML,
// a missing required key, a wrong type, an unknown or unsupported key, an unknown icl_task_type or
// metric name, a key that belongs to another task type, an empty or negative num_fewshot,
// duplicate shots, prelimiter together with question_prelimiter, invalid early stopping strings.
TaskFile load_task_file(const std::string& yaml_path, const std::string& data_root);

}  // namespace mpt
