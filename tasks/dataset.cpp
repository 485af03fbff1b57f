#include "tasks/dataset.h"

#include <filesystem>
#include <set>

#include "common/error.h"
#include "common/jsonl.h"
#include "tasks/python_str.h"
#include "tasks/task_kind.h"

namespace mpt {
namespace {

using nlohmann::json;

bool has_edge_whitespace(const json& v) {
  if (v.is_string()) return py::has_edge_space(v.get_ref<const std::string&>());
  if (v.is_array() || v.is_object())
    for (const json& item : v)
      if (has_edge_whitespace(item)) return true;
  return false;
}

}  // namespace

std::vector<std::string> Dataset::category_names() const {
  std::set<std::string> s(categories.begin(), categories.end());
  return {s.begin(), s.end()};
}

Dataset load_dataset(const TaskConfig& task) {
  const TaskKind& kind = *task.kind;
  if (kind.runs_code()) throw runtime_error("code_evaluation data is loaded by tasks/code", task.where);
  if (!std::filesystem::is_regular_file(task.dataset_path))
    throw input_error("dataset file not found", task.where + ", key 'dataset_uri'", "a .jsonl file at " + task.dataset_path,
                      "no such file");
  Dataset d;
  d.type = task.type;
  d.path = task.dataset_path;
  kind.start_rows(d);
  for_each_jsonl(d.path, [&](const json& row, int line) {
    const std::string where = d.path + ":" + std::to_string(line);
    if (!row.is_object()) throw input_error("line is not a JSON object", where, "an object {...}", describe_json(row));
    kind.add_row(row, where, task.strip_dataset, d);
    // LLM Foundry partitions the raw rows by category and strips each partition afterwards.
    if (task.has_categories) d.categories.push_back(require_string(row, "category", where));
    d.whitespace_edge.push_back(has_edge_whitespace(row));
    d.lines.push_back(line);
  });
  if (d.lines.empty()) throw input_error("empty dataset", d.path, "at least one JSON line", "no rows");
  return d;
}

}  // namespace mpt
