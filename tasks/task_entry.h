// Parsing one `icl_tasks` entry into a TaskConfig (internal to mpt_tasks; see task_config.h for
// the keys and defaults, task_file.h for the errors).
#pragma once

#include <string>

#include "tasks/task_config.h"
#include "tasks/yaml_reader.h"

namespace mpt {

TaskConfig parse_task_entry(const YamlMap& entry, const std::string& data_root);

}  // namespace mpt
