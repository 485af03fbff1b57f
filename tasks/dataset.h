// An ICL dataset file (JSON Lines, LLM Foundry's layouts; see data/icl/SCHEMA.md), validated and
// prepared the way LLM Foundry prepares it before building prompts:
//   * one example per non-blank line, in file order;
//   * generation tasks: labels = [answer] + aliases, deduplicated, taken BEFORE stripping;
//   * strip_dataset: every top-level string value is Python-strip()ped; strings inside lists
//     (choices, context_options, aliases) are left as they are.
// Unknown extra keys are ignored (LLM Foundry ignores extra columns).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "tasks/task_config.h"

namespace mpt {

struct LmRow {
  std::string context;
  std::string continuation;
};
struct ChoiceRow {  // multiple_choice
  std::string query;
  std::vector<std::string> choices;
  int64_t gold = 0;
};
struct SchemaRow {
  std::vector<std::string> context_options;
  std::string continuation;
  int64_t gold = 0;
};
struct QaRow {  // generation_task_with_answers
  std::string context;
  std::string answer;                // stripped when strip_dataset
  std::string chain_of_thought;      // "" when the file has no chain_of_thought column
  std::vector<std::string> labels;   // [raw answer] + aliases, first occurrences, unstripped
  std::string raw_answer;            // as in the file (LLM Foundry measures answer lengths before stripping)
  std::string raw_chain_of_thought;
};

struct Dataset {
  TaskType type = TaskType::LanguageModeling;
  std::string path;
  std::variant<std::vector<LmRow>, std::vector<ChoiceRow>, std::vector<SchemaRow>, std::vector<QaRow>> rows;
  std::vector<int> lines;                // 1-based line of each row
  std::vector<std::string> categories;   // per row when loaded with has_categories, else empty
  std::vector<bool> whitespace_edge;     // the raw row had a string (also inside lists) with
                                         // leading or trailing whitespace
  bool has_cot = false;                  // generation: the file has a chain_of_thought column

  size_t size() const { return lines.size(); }
  // Sorted distinct categories (Python's sorted(set(...)), i.e. by code point).
  std::vector<std::string> category_names() const;
};

// Loads `task.dataset_path` into the row layout of `task.kind` (not code_evaluation) with `task`'s
// strip_dataset and has_categories. Throws mpt::Error (Input) with "<file>:<line>" for: a missing file, a broken
// JSON line, a line that is not an object, a missing key, a wrong type (including null), an
// empty choices / context_options list, a gold index out of range, a chain_of_thought column
// present in some rows only, a missing category (has_categories), an empty file.
Dataset load_dataset(const TaskConfig& task);

}  // namespace mpt
