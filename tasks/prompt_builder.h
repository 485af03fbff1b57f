// LLM Foundry's prompt strings, byte for byte (InContextLearningDataset and its subclasses in
// llmfoundry/eval/datasets/in_context_learning_evaluation.py at 8c8dd48f7). The result is the
// pieces LLM Foundry tokenizes SEPARATELY; callers must tokenize them separately too and
// concatenate the ids (BPE merges differ across the boundaries). docs/tasks.md lists the rules.
//
//   type            pieces                                        token sequence(s)
//   LM              preamble, contexts[0], continuations[0]       pre + ctx + cont (cont scored)
//   multiple choice preamble, contexts[0], continuations[i], gold pre + ctx + choice_i (choice scored)
//   schema          preamble, contexts[i], continuations[0], gold pre + ctx_i + cont (cont scored)
//   generation      preamble, contexts[0]; answer, labels         pre + ctx, then generate
// Each type's strings are built by its TaskKind (shot_text, test_pieces; tasks/kinds/).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tasks/eval_spec.h"

namespace mpt {

struct PromptPieces {
  std::string preamble;                    // prompt_string + the few-shot examples ("" for 0-shot)
  std::vector<std::string> contexts;       // one, or one per schema context option
  std::vector<std::string> continuations;  // one, or one per multiple-choice choice; none for generation
  int64_t gold = -1;                       // multiple choice and schema
  std::string answer;                      // generation: get_answer_from_example (with CoT when present)
  std::vector<std::string> labels;         // generation: accepted answers ([raw answer] + aliases)
};

struct ExamplePrompt {
  int64_t index = 0;                  // example index within the evaluation (0..size-1)
  int64_t row = 0;                    // row of the dataset file
  std::vector<int64_t> fewshot;       // shot indices (within the evaluation) in prompt order
  PromptPieces pieces;
};

// Prompts of examples 0..count-1 (count < 0 or past the end: all). The evaluation's random
// generator is consumed for every one of them in order, exactly as LLM Foundry does, so a prefix
// of the examples gives the same prompts as the full run. `prefix_space`: the tokenizer is a
// GPT-2 style BPE (see tokenizer_needs_prefix_space).
std::vector<ExamplePrompt> build_prompts(const EvalSpec& spec, bool prefix_space, int64_t count = -1);

}  // namespace mpt
