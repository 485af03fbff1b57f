#include "tasks/code/program_assembly.h"

#include <cstdio>

#include "common/error.h"
#include "tasks/code/native_assembly.h"

namespace mpt::code {
namespace {

bool python_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// LLM Foundry's LocalEvalClient, per case: result = fn(*eval(input)); expected = eval(output), or the
// output string itself when it does not eval; pass iff result == expected. Every case must pass.
// The cases are a tuple literal inside check(), so a constant of its code: the program can neither
// mutate nor rebind them.
constexpr const char* kIoCheckHead = "def check(candidate):\n    for _mpt_input, _mpt_output in (\n";
constexpr const char* kIoCheckTail = R"(    ):
        _mpt_result = candidate(*eval(_mpt_input))
        try:
            _mpt_expected = eval(_mpt_output)
        except BaseException:
            _mpt_expected = _mpt_output
        assert _mpt_result == _mpt_expected, 'input %s: expected %s' % (_mpt_input, _mpt_output)
)";

}  // namespace

std::string generation_prompt(const CodeProblem& problem, bool strip_prompt) {
  if (!strip_prompt) return problem.prompt;
  size_t begin = 0, end = problem.prompt.size();
  while (begin < end && python_space(problem.prompt[begin])) ++begin;
  while (end > begin && python_space(problem.prompt[end - 1])) --end;
  return problem.prompt.substr(begin, end - begin);
}

std::string python_string_literal(const std::string& s) {
  std::string out = "'";
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[5];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "'";
}

std::string io_cases_test(const CodeProblem& problem) {
  if (problem.test_inputs.empty())
    throw input_error("the problem has no test_inputs/test_outputs", problem.where,
                      "an LLM Foundry problem for input/output tests", "task " + problem.task_id);
  std::string test = kIoCheckHead;
  for (size_t i = 0; i < problem.test_inputs.size(); ++i)
    test += "        (" + python_string_literal(problem.test_inputs[i]) + ", " +
            python_string_literal(problem.test_outputs[i]) + "),\n";
  return test + kIoCheckTail;
}

AssembledProgram assemble_program(const CodeProblem& problem, const std::string& completion,
                                  const AssemblyOptions& options) {
  TestStyle style = options.tests;
  // HumanEval+'s own `test` is never run (its check is evalplus_check's), so it may be empty.
  if (style == TestStyle::Auto)
    style = problem.test.empty() && problem.format != ProblemFormat::EvalPlus ? TestStyle::IoCases : TestStyle::Check;
  AssembledProgram p;
  p.entry_point = problem.entry_point;
  if (problem.language != "python") {
    std::string solution = generation_prompt(problem, options.strip_prompt) + completion;
    NativeProgram n = style == TestStyle::IoCases ? native_io_program(problem, solution)
                                                  : native_check_program(problem, solution);
    p.language = problem.language;
    p.solution = std::move(n.source);
    p.expected_stdout = std::move(n.expected_stdout);
    p.completion_token = std::move(n.completion_token);
    return p;
  }
  p.prelude = generation_prompt(problem, options.strip_prompt);
  p.solution = p.prelude + completion;
  p.test = style == TestStyle::IoCases ? io_cases_test(problem) : problem.test;
  p.entry_point = problem.entry_point;
  return p;
}

}  // namespace mpt::code
