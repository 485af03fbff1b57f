#include "tasks/task_file.h"

#include <filesystem>

#include "common/error.h"
#include "common/log.h"
#include "tasks/task_entry.h"
#include "tasks/yaml_reader.h"

namespace mpt {
namespace {

// `icl_tasks: some/tasks.yaml` (LLM Foundry resolves it against its working directory): tried
// relative to the including file's folder first, then as given.
std::string resolve_include(const std::string& value, const std::string& from_file) {
  namespace fs = std::filesystem;
  fs::path p(value);
  if (p.is_relative()) {
    fs::path beside = fs::path(from_file).parent_path() / p;
    if (fs::exists(beside)) return beside.string();
  }
  return value;
}

}  // namespace

TaskFile load_task_file(const std::string& yaml_path, const std::string& data_root) {
  TaskFile out;
  YAML::Node root = load_yaml_file(yaml_path);
  if (!root.IsMap())
    throw input_error("not a task file", yaml_path, "a mapping with an 'icl_tasks' list", yaml_describe(root));
  YAML::Node tasks = root["icl_tasks"];
  if (!tasks)
    throw input_error("missing key 'icl_tasks'", yaml_path, "a top-level 'icl_tasks' list (LLM Foundry's format)",
                      "no such key");
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>();
    if (key == "icl_tasks" || key == "eval_gauntlet") continue;
    std::string w = "ignored top-level key '" + key + "' in " + yaml_where(yaml_path, kv.first) +
                    ": mpt-eval reads only 'icl_tasks' (and 'eval_gauntlet' via --gauntlet) from task files";
    MPT_LOG(Warn, "{}", w);
    out.warnings.push_back(w);
  }
  std::string tasks_file = yaml_path;
  if (tasks.IsScalar()) {
    tasks_file = resolve_include(tasks.Scalar(), yaml_path);
    if (std::filesystem::weakly_canonical(tasks_file) == std::filesystem::weakly_canonical(yaml_path))
      throw input_error("task file includes itself", yaml_where(yaml_path, tasks), "a path to another file", tasks_file);
    TaskFile included = load_task_file(tasks_file, data_root);
    out.warnings.insert(out.warnings.end(), included.warnings.begin(), included.warnings.end());
    out.tasks = std::move(included.tasks);
    return out;
  }
  if (!tasks.IsSequence())
    throw input_error("wrong type for key 'icl_tasks'", yaml_where(yaml_path, tasks), "a list of task entries",
                      yaml_describe(tasks));
  size_t i = 0;
  for (const YAML::Node& entry : tasks) {
    std::string context = "icl_tasks[" + std::to_string(i++) + "]";
    if (entry.IsMap() && entry["label"] && entry["label"].IsScalar()) context += " '" + entry["label"].Scalar() + "'";
    out.tasks.push_back(parse_task_entry(YamlMap(entry, yaml_path, context), data_root));
  }
  return out;
}

}  // namespace mpt
