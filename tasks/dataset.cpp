#include "tasks/dataset.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/error.h"
#include "common/jsonl.h"
#include "tasks/python_str.h"

namespace mpt {
namespace {

using nlohmann::json;

std::string get_string(const json& row, const char* key, const std::string& where, bool strip) {
  std::string s = require_string(row, key, where);
  return strip ? py::strip(s) : s;
}

std::vector<std::string> get_string_list(const json& row, const char* key, const std::string& where,
                                         bool allow_empty) {
  const json& v = require_key(row, key, where);
  if (!v.is_array())
    throw input_error(std::string("wrong type for key '") + key + "'", where, "a list of strings", describe_json(v));
  if (v.empty() && !allow_empty)
    throw input_error(std::string("empty '") + key + "'", where, "at least one entry", "[]");
  std::vector<std::string> out;
  for (const json& item : v) {
    if (!item.is_string())
      throw input_error(std::string("wrong type in list '") + key + "'", where, "strings only", describe_json(item));
    out.push_back(item.get<std::string>());
  }
  return out;
}

int64_t get_gold(const json& row, size_t num_options, const char* options_key, const std::string& where) {
  int64_t gold = require_int(row, "gold", where);
  if (gold < 0 || static_cast<size_t>(gold) >= num_options)
    throw input_error("gold index out of range", where,
                      "an index into '" + std::string(options_key) + "' in [0, " + std::to_string(num_options) + ")",
                      std::to_string(gold));
  return gold;
}

bool has_edge_whitespace(const json& v) {
  if (v.is_string()) return py::has_edge_space(v.get_ref<const std::string&>());
  if (v.is_array() || v.is_object())
    for (const json& item : v)
      if (has_edge_whitespace(item)) return true;
  return false;
}

QaRow parse_qa(const json& row, const std::string& where, bool strip, bool& has_cot, bool first_row) {
  QaRow r;
  r.context = get_string(row, "context", where, strip);
  r.raw_answer = require_string(row, "answer", where);
  r.answer = strip ? py::strip(r.raw_answer) : r.raw_answer;
  r.labels.push_back(r.raw_answer);
  if (row.contains("aliases"))
    for (std::string& a : get_string_list(row, "aliases", where, true))
      if (std::find(r.labels.begin(), r.labels.end(), a) == r.labels.end()) r.labels.push_back(std::move(a));
  bool row_cot = row.contains("chain_of_thought");
  if (first_row) has_cot = row_cot;
  if (row_cot != has_cot)
    throw input_error(row_cot ? "unexpected key 'chain_of_thought'" : "missing key 'chain_of_thought'", where,
                      "chain_of_thought in every row or in none", row_cot ? "it in this row only" : "no such key");
  if (has_cot) {
    r.raw_chain_of_thought = require_string(row, "chain_of_thought", where);
    r.chain_of_thought = strip ? py::strip(r.raw_chain_of_thought) : r.raw_chain_of_thought;
  }
  return r;
}

}  // namespace

std::vector<std::string> Dataset::category_names() const {
  std::set<std::string> s(categories.begin(), categories.end());
  return {s.begin(), s.end()};
}

Dataset load_dataset(const TaskConfig& task) {
  if (task.type == TaskType::CodeEvaluation)
    throw runtime_error("code_evaluation data is loaded by tasks/code", task.where);
  if (!std::filesystem::is_regular_file(task.dataset_path))
    throw input_error("dataset file not found", task.where + ", key 'dataset_uri'", "a .jsonl file at " + task.dataset_path,
                      "no such file");
  Dataset d;
  d.type = task.type;
  d.path = task.dataset_path;
  const bool strip = task.strip_dataset;
  std::vector<LmRow> lm;
  std::vector<ChoiceRow> mc;
  std::vector<SchemaRow> schema;
  std::vector<QaRow> qa;
  for_each_jsonl(d.path, [&](const json& row, int line) {
    const std::string where = d.path + ":" + std::to_string(line);
    if (!row.is_object()) throw input_error("line is not a JSON object", where, "an object {...}", describe_json(row));
    switch (task.type) {
      case TaskType::LanguageModeling:
        lm.push_back({get_string(row, "context", where, strip), get_string(row, "continuation", where, strip)});
        break;
      case TaskType::MultipleChoice: {
        ChoiceRow r{get_string(row, "query", where, strip), get_string_list(row, "choices", where, false), 0};
        r.gold = get_gold(row, r.choices.size(), "choices", where);
        mc.push_back(std::move(r));
        break;
      }
      case TaskType::Schema: {
        SchemaRow r{get_string_list(row, "context_options", where, false),
                    get_string(row, "continuation", where, strip), 0};
        r.gold = get_gold(row, r.context_options.size(), "context_options", where);
        schema.push_back(std::move(r));
        break;
      }
      case TaskType::GenerationWithAnswers:
        qa.push_back(parse_qa(row, where, strip, d.has_cot, d.lines.empty()));
        break;
      case TaskType::CodeEvaluation: break;
    }
    // LLM Foundry partitions the raw rows by category and strips each partition afterwards.
    if (task.has_categories) d.categories.push_back(require_string(row, "category", where));
    d.whitespace_edge.push_back(has_edge_whitespace(row));
    d.lines.push_back(line);
  });
  if (d.lines.empty()) throw input_error("empty dataset", d.path, "at least one JSON line", "no rows");
  switch (task.type) {
    case TaskType::LanguageModeling: d.rows = std::move(lm); break;
    case TaskType::MultipleChoice: d.rows = std::move(mc); break;
    case TaskType::Schema: d.rows = std::move(schema); break;
    default: d.rows = std::move(qa); break;
  }
  return d;
}

}  // namespace mpt
