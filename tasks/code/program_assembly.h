// Turning a problem and a completion into the program the sandbox runs (pure strings).
//
// The sandbox runs `solution`, then `test`, then calls the test's check(<entry_point>) itself, and
// accepts a pass only when check() returns (see docs/sandbox.md). The solution and the test are
// compiled separately, so a completion cannot swallow or reshape the test's text (an unterminated
// string in the completion is a syntax error, not a test that never runs).
//
//   solution = prompt (or prompt.strip(), see AssemblyOptions) + completion
//   test     = the problem's test                 (TestStyle::Check, OpenAI's harness)
//            | a check() over test_inputs/outputs (TestStyle::IoCases, LLM Foundry's metric):
//              for each case, candidate(*eval(input)) == eval(output), where an output that does
//              not eval is compared as the string itself
#pragma once

#include <optional>
#include <string>

#include "tasks/code/code_problem.h"

namespace mpt::code {

enum class TestStyle {
  Auto,     // Check when the problem has a `test` (both formats do), IoCases otherwise
  Check,    // the problem's `test` field (OpenAI's harness)
  IoCases,  // test_inputs / test_outputs, exactly as LLM Foundry's metric compares them. Its bundled
            // human_eval.jsonl has cases its own canonical solutions fail (e.g. HumanEval/11 expects
            // the string '0' but lists "0", which evals to the integer): 155/164 pass this way.
};

struct AssemblyOptions {
  bool strip_prompt = false;  // bigcode's "humaneval" task strips the prompt; "humaneval-unstripped" does not
  TestStyle tests = TestStyle::Auto;
};

struct AssembledProgram {
  std::string solution;
  std::string test;
  std::string entry_point;
  std::string prelude;  // the prompt alone (trusted): what split-process checking's checker runs before the test
  // "python", or the sandbox language of a C++ / JavaScript problem: then `solution` is the whole
  // program (native_assembly.h), test and prelude are empty, and expected_stdout is set for IoCases.
  std::string language = "python";
  std::optional<std::string> expected_stdout;
  std::optional<std::string> completion_token;  // C++ / JavaScript Check: see native_assembly.h
};

// The prompt a model should continue: the problem's prompt, or prompt.strip() (Python's whitespace).
std::string generation_prompt(const CodeProblem& problem, bool strip_prompt);

// Throws mpt::Error (Input) when IoCases is asked of a problem without test_inputs.
AssembledProgram assemble_program(const CodeProblem& problem, const std::string& completion,
                                  const AssemblyOptions& options = {});

// The check() that LLM Foundry's test_inputs/test_outputs amount to, as Python source.
std::string io_cases_test(const CodeProblem& problem);

// A Python string literal ('...') denoting exactly `s` (bytes as given; UTF-8 passes through).
std::string python_string_literal(const std::string& s);

}  // namespace mpt::code
