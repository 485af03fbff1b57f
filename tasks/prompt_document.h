// The JSON form of an evaluation's prompts, in the layout of the golden files in
// tests/fixtures/icl_prompts/ (what `mpt-eval prompts --json` prints). With the fixture
// selection, the document is byte-identical to those files when dumped with dump_prompt_document.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "tasks/eval_spec.h"
#include "tasks/prompt_builder.h"

namespace mpt {

// Which examples a document holds, and how the "selection" block describes them.
struct PromptSelection {
  std::vector<int64_t> indices;  // example indices, in output order
  nlohmann::ordered_json description;
};

// The golden files' rule: examples 0..39, then N//2, then N-1, then the rows with a string that
// starts or ends with whitespace when there are at most 20 such rows (duplicates dropped).
PromptSelection fixture_selection(const EvalSpec& spec);
// The first `count` examples (all when count < 0).
PromptSelection first_examples(const EvalSpec& spec, int64_t count);
// Explicit example indices; each must be < spec.size() (mpt::Error Input otherwise).
PromptSelection chosen_examples(const EvalSpec& spec, const std::vector<int64_t>& indices);

// The pieces object of one example: LM {preamble, context, continuation}; multiple choice
// {preamble, context, choices, gold}; schema {preamble, contexts, continuation, gold};
// generation {preamble, context, answer, aliases}.
nlohmann::ordered_json pieces_json(const TaskConfig& task, const PromptPieces& pieces);

// The whole document. `prompts` must cover every selected index (prompts[i].index == i).
// `yaml_name` is the task file's base name; `prefix_space` the tokenizer's prefix-space rule.
nlohmann::ordered_json prompt_document(const EvalSpec& spec, const std::vector<ExamplePrompt>& prompts,
                                       const PromptSelection& selection, const std::string& yaml_name,
                                       bool prefix_space);

// Python's json.dump(doc, indent=1, ensure_ascii=False) plus a final newline.
std::string dump_prompt_document(const nlohmann::ordered_json& doc);

}  // namespace mpt
