// The registry: LLM Foundry's icl_task_type strings and the kind each names. A new task type is
// a kind file in this folder, its accessor declared and listed here, and the file in
// tasks/CMakeLists.txt.
#include <utility>

#include "tasks/task_kind.h"

namespace mpt {

// Defined in tasks/kinds/<type>.cpp.
const TaskKind& language_modeling_kind();
const TaskKind& multiple_choice_kind();
const TaskKind& schema_kind();
const TaskKind& generation_with_answers_kind();
const TaskKind& code_evaluation_kind();

namespace {

// icl_task_type -> kind, in the order messages list them. A kind appears once under its name();
// other strings naming it are aliases.
const std::vector<std::pair<std::string, const TaskKind*>>& registry() {
  static const std::vector<std::pair<std::string, const TaskKind*>> table = {
      {"language_modeling", &language_modeling_kind()},
      {"multiple_choice", &multiple_choice_kind()},
      {"schema", &schema_kind()},
      {"generation_task_with_answers", &generation_with_answers_kind()},
      {"question_answering", &generation_with_answers_kind()},  // the name before LLM Foundry v0.5
      {"code_evaluation", &code_evaluation_kind()},
  };
  return table;
}

}  // namespace

const TaskKind* find_task_kind(const std::string& icl_task_type) {
  for (const auto& [name, kind] : registry())
    if (name == icl_task_type) return kind;
  return nullptr;
}

const TaskKind* task_kind_owning_key(const std::string& key) {
  for (const auto& [name, kind] : registry())
    for (const std::string& own : kind->own_keys())
      if (own == key) return kind;
  return nullptr;
}

std::string task_kind_names() {
  std::vector<std::string> names;
  for (const auto& [name, kind] : registry())
    if (name == kind->name()) names.push_back(name);
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) s += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return s;
}

}  // namespace mpt
