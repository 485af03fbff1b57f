// Parsing one `icl_tasks` entry into a TaskConfig (internal to mpt_tasks; see task_config.h for
// the keys and defaults, task_file.h for the errors). The common keys are read here, the type's
// own keys by its TaskKind (task_kind.h).
#pragma once

#include <string>

#include "tasks/task_config.h"
#include "tasks/yaml_reader.h"

namespace mpt {

TaskConfig parse_task_entry(const YamlMap& entry, const std::string& data_root);

// The entry's generation_kwargs over `defaults` (the whole of `defaults` when the key is absent);
// for the kinds' parse_entry.
GenerationSettings parse_generation_kwargs(const YamlMap& entry, GenerationSettings defaults);

}  // namespace mpt
