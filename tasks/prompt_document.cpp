#include "tasks/prompt_document.h"

#include <algorithm>

#include "common/error.h"
#include "tasks/task_kind.h"

namespace mpt {
namespace {

using ojson = nlohmann::ordered_json;

constexpr const char* kSourceRepo = "mosaicml/llm-foundry";
constexpr const char* kSourceCommit = "8c8dd48f72168c5d51e2f7b151595892a8fba43d";

ojson settings(const EvalSpec& spec, const std::string& yaml_name, bool prefix_space) {
  const TaskConfig& t = *spec.task;
  ojson s;
  s["icl_task_type"] = t.kind->name();
  s["num_fewshot"] = spec.num_fewshot;
  s["fewshot_random_seed"] = t.fewshot_random_seed;
  s["prompt_string"] = t.prompt_string;
  s["example_delimiter"] = t.example_delimiter;
  s["continuation_delimiter"] = t.continuation_delimiter;
  s["prelimiter"] = t.prelimiter;
  s["strip_dataset"] = t.strip_dataset;
  t.kind->prompt_delimiter_settings(s, t);
  s["prefix_space"] = prefix_space;
  s["dataset_file"] = t.dataset_file;
  s["yaml"] = yaml_name;
  s["yaml_label"] = t.label;
  s["sequence"] = t.kind->prompt_sequence();
  t.kind->prompt_data_settings(s, spec);
  if (t.has_categories) {
    s["has_categories"] = true;
    s["category"] = spec.category.value_or("");
    s["categories"] = spec.dataset->category_names();
  }
  return s;
}

}  // namespace

PromptSelection fixture_selection(const EvalSpec& spec) {
  const int64_t n = spec.size();
  PromptSelection sel;
  auto add = [&](int64_t i) {
    if (std::find(sel.indices.begin(), sel.indices.end(), i) == sel.indices.end()) sel.indices.push_back(i);
  };
  for (int64_t i = 0; i < std::min<int64_t>(40, n); ++i) add(i);
  add(n / 2);
  add(n - 1);
  std::vector<int64_t> edges;
  for (int64_t i = 0; i < n; ++i)
    if (spec.dataset->whitespace_edge[static_cast<size_t>(spec.rows[static_cast<size_t>(i)])]) edges.push_back(i);
  if (edges.size() > 20) edges.clear();
  for (int64_t i : edges) add(i);
  sel.description = {{"first", 40}, {"also", {"N//2", "N-1"}}, {"whitespace_edge_indices", edges}};
  return sel;
}

PromptSelection first_examples(const EvalSpec& spec, int64_t count) {
  if (count < 0 || count > spec.size()) count = spec.size();
  PromptSelection sel;
  for (int64_t i = 0; i < count; ++i) sel.indices.push_back(i);
  sel.description = {{"first", count}};
  return sel;
}

PromptSelection chosen_examples(const EvalSpec& spec, const std::vector<int64_t>& indices) {
  for (int64_t i : indices)
    if (i < 0 || i >= spec.size())
      throw input_error("example index out of range", spec.label,
                        "an index in [0, " + std::to_string(spec.size()) + ")", std::to_string(i));
  PromptSelection sel{indices, {}};
  sel.description = {{"indices", indices}};
  return sel;
}

ojson pieces_json(const TaskConfig& task, const PromptPieces& p) { return task.kind->pieces_json(p); }

ojson prompt_document(const EvalSpec& spec, const std::vector<ExamplePrompt>& prompts, const PromptSelection& selection,
                      const std::string& yaml_name, bool prefix_space) {
  ojson doc;
  doc["source_repo"] = kSourceRepo;
  doc["source_commit"] = kSourceCommit;
  doc["task_type"] = spec.task->kind->name();
  doc["settings"] = settings(spec, yaml_name, prefix_space);
  doc["dataset_size"] = spec.size();
  doc["selection"] = selection.description;
  ojson examples = ojson::array();
  for (int64_t i : selection.indices) {
    const ExamplePrompt& p = prompts.at(static_cast<size_t>(i));
    ojson e;
    e["index"] = p.index;
    if (spec.category) e["source_index"] = p.row;
    e["fewshot_indices"] = p.fewshot;
    e["pieces"] = pieces_json(*spec.task, p.pieces);
    examples.push_back(std::move(e));
  }
  doc["examples"] = std::move(examples);
  return doc;
}

std::string dump_prompt_document(const ojson& doc) { return doc.dump(1, ' ', false) + "\n"; }

}  // namespace mpt
