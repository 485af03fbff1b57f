// Programs in C++ and JavaScript from HumanEval-X style problems (LLM Foundry's
// processed_human_eval_cpp.jsonl / processed_human_eval_js.jsonl): pure strings, nothing executes.
//
//   test style Check (the problem's `test` field, as HumanEval-X and MultiPL-E harnesses run it):
//     C++:        prompt + completion + "\n" + test           (the test defines main() and asserts)
//     JavaScript: prompt + completion + "\n" + test           (console.assert; the sandbox's recipe
//                                                              makes a failed one fail the program)
//     pass = the program exits 0 and wrote the completion token (below) to fd 3: a trailer
//     appended after the test writes it once the test's main() returned 0 (C++) or its top-level
//     calls finished without throwing (JavaScript), so an early exit(0) / process.exit(0) fails.
//   test style IoCases (LLM Foundry's LocalEvalClient, composer 22b0ae8, the last commit with it):
//     C++:        LLM Foundry's issame() overloads + prompt + completion + "\n" + a main() that
//                 prints issame(<entry>(<input>), <output>) for each case
//     JavaScript: prompt + completion + "\nconsole.log(JSON.stringify(<entry>(<input>)) ===
//                 JSON.stringify(<output>));" for each case
//     pass = stdout is exactly "1" (C++) / "true\n" (JavaScript) per case, all cases in one program
//     (LLM Foundry: one program and one compile per case; see docs/sandbox.md for the difference).
#pragma once

#include <optional>
#include <string>

#include "tasks/code/code_problem.h"

namespace mpt::code {

struct NativeProgram {
  std::string source;                          // the whole program
  std::optional<std::string> expected_stdout;  // IoCases: what the program must print, exactly
  // Check: what the program writes to fd 3 once the test has run to its end (a trailer appended
  // after the test writes it); a program that exits 0 without it has exited early and fails.
  std::optional<std::string> completion_token;
};

// `solution` is prompt + completion. Throws mpt::Error (Input) for IoCases without test_inputs or
// a language other than cpp / javascript.
NativeProgram native_check_program(const CodeProblem& problem, const std::string& solution);
NativeProgram native_io_program(const CodeProblem& problem, const std::string& solution);

}  // namespace mpt::code
