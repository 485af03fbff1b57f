// How a generated completion is cut before it is run: the conventions of the reference harnesses.
//
//   none         the completion as generated (OpenAI human-eval's evaluate_functional_correctness
//                runs completions as given; use this for samples post-processed elsewhere)
//   llm-foundry  LLM Foundry's code eval: keep the text before the first newline followed by an
//                ASCII letter, a digit, '#' or '`', i.e. before the first new top-level line
//                (re.split(r'\n[A-Za-z0-9#`]', code_gen)[0] in InContextLearningCodeEvalAccuracy)
//   codex        the stop sequences of the Codex paper (Chen et al. 2021, arXiv:2107.03374):
//                "\nclass", "\ndef", "\n#", "\nif", "\nprint"
//   bigcode      bigcode-evaluation-harness's HumanEval stop words (bigcode_eval/tasks/humaneval.py):
//                "\nclass", "\ndef", "\n#", "\n@", "\nprint", "\nif", "\n```", "<file_sep>"
//
// A stop-sequence convention cuts at the earliest occurrence of any of its sequences. All work on
// the completion only (the text after the prompt), never on the prompt, which itself contains such
// sequences. Whether the prompt was stripped before generation is a separate choice (program_assembly.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mpt::code {

enum class Postprocess { None, LlmFoundry, Codex, Bigcode };

const char* postprocess_name(Postprocess p);
std::optional<Postprocess> parse_postprocess(std::string_view name);
// "none, llm-foundry, codex, bigcode", for help texts and errors.
std::string postprocess_names();

// The completion cut according to the convention.
std::string postprocess_completion(Postprocess p, std::string_view completion);

// Stop strings that end generation exactly where postprocess_completion would cut (a generator that
// stops before the first of them and drops it produces the post-processed text). For llm-foundry
// these are "\n" followed by each of its 64 characters; for none, nothing.
std::vector<std::string> generation_stop_sequences(Postprocess p);

}  // namespace mpt::code
