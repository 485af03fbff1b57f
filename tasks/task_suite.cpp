#include "tasks/task_suite.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/error.h"
#include "common/log.h"
#include "tasks/task_file.h"
#include "tasks/task_kind.h"

namespace mpt {
namespace {

bool entry_selected(const TaskConfig& t, const std::vector<std::string>& selectors) {
  if (selectors.empty()) return true;
  for (const std::string& s : selectors)
    if (s == t.label || s.rfind(t.label + "/", 0) == 0) return true;
  return false;
}

bool label_selected(const std::string& label, const std::vector<std::string>& selectors) {
  if (selectors.empty()) return true;
  for (const std::string& s : selectors)
    if (label_matches(label, s)) return true;
  return false;
}

// A missing entry's benchmark key is reported for any selector on it or below it (its
// categories are unknown without the data).
bool key_selected(const std::string& key, const std::vector<std::string>& selectors) {
  if (selectors.empty()) return true;
  for (const std::string& s : selectors)
    if (label_matches(key, s) || label_matches(s, key)) return true;
  return false;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

std::vector<std::string> TaskSuite::all_labels() const {
  std::vector<std::string> out;
  for (const auto& e : evaluations) out.push_back(e.label);
  for (const auto& c : code_tasks) out.push_back(c.label);
  for (const auto& m : missing) out.insert(out.end(), m.benchmark_keys.begin(), m.benchmark_keys.end());
  return out;
}

TaskSuite load_task_suite(const std::string& yaml_path, const std::string& data_root, const SuiteOptions& options) {
  TaskFile file = load_task_file(yaml_path, data_root);
  TaskSuite suite;
  suite.warnings = std::move(file.warnings);
  std::set<std::string> seen;
  auto claim = [&](const std::string& label, const TaskConfig& t) {
    if (!seen.insert(label).second)
      throw input_error("duplicate evaluation label '" + label + "'", t.where, "each label and num_fewshot once",
                        "it again");
  };
  for (TaskConfig& cfg : file.tasks) {
    if (!entry_selected(cfg, options.selectors)) continue;
    auto task = std::make_shared<const TaskConfig>(std::move(cfg));
    if (task->kind->runs_code()) {
      for (int64_t k : task->num_fewshot) {
        std::string label = benchmark_key(task->label, k);
        if (!label_selected(label, options.selectors)) continue;
        claim(label, *task);
        suite.code_tasks.push_back({label, task, k});
      }
      continue;
    }
    if (!std::filesystem::exists(task->dataset_path)) {
      MissingTask m{task, {}, describe_missing_dataset(task->dataset_paths_tried)};
      for (int64_t k : task->num_fewshot) {
        std::string key = benchmark_key(task->label, k);
        if (!key_selected(key, options.selectors)) continue;
        claim(key, *task);
        m.benchmark_keys.push_back(key);
      }
      MPT_LOG(Warn, "task '{}' skipped: dataset missing ({}, from dataset_uri {})", task->label, task->dataset_path,
              task->dataset_uri);
      suite.missing.push_back(std::move(m));
      continue;
    }
    auto dataset = std::make_shared<const Dataset>(load_dataset(*task));
    for (EvalSpec& e : expand_evaluations(task, dataset)) {
      if (!options.selectors.empty() &&
          std::none_of(options.selectors.begin(), options.selectors.end(),
                       [&](const std::string& s) { return selects(e, s); }))
        continue;
      claim(e.label, *task);
      suite.evaluations.push_back(std::move(e));
    }
  }
  for (const std::string& s : options.selectors) {
    bool hit = false;
    for (const std::string& label : suite.all_labels()) hit = hit || key_selected(label, {s});
    for (const EvalSpec& e : suite.evaluations) hit = hit || selects(e, s);
    if (!hit) {
      TaskFile all = load_task_file(yaml_path, data_root);
      std::vector<std::string> labels;
      for (const auto& t : all.tasks) labels.push_back(t.label);
      throw input_error("no task matches '" + s + "'", yaml_path, "one of the labels " + join(labels), "'" + s + "'");
    }
  }
  return suite;
}

}  // namespace mpt
