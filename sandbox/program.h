// A program for the sandbox: a solution, the test that checks it, and the function the test checks.
//
// Split-process checking (the default) runs two fresh isolated processes:
//     candidate:  exec(solution)                 e.g. HumanEval prompt + completion (untrusted)
//     checker:    exec(prelude); exec(test)      trusted: the prompt (helpers tests use) and the test
//                 check(proxy)                   proxy(*args) sends the arguments to the candidate's
//                                                process as plain data and returns its answer
// In-process checking runs exec(solution); exec(test); check(<entry_point>) in one process.
// Either way `test` must define exactly one function named `check`, and the program passes only
// when that check() returns (see docs/sandbox.md for the threat model).
#pragma once

#include <optional>
#include <string>

namespace mpt::sandbox {

enum class Checking {
  SplitProcess,  // the test runs in its own process; only plain data crosses (the default)
  InProcess,     // solution and test in one process (what other harnesses do; weaker, see docs)
};

// "split-process" / "in-process"; parse_checking: std::nullopt for anything else.
const char* checking_name(Checking c);
std::optional<Checking> parse_checking(const std::string& name);

struct Program {
  std::string solution;
  std::string test;
  std::string entry_point;
  // Split-process only: trusted code the checker runs before the test (HumanEval: the prompt, so
  // that tests can call its helpers, e.g. poly in HumanEval/32). Never the completion.
  std::string prelude;
  Checking checking = Checking::SplitProcess;
  double timeout_seconds = 0;  // wall clock for this program; 0 = the pool's Limits::timeout_seconds

  // A language other than Python (a recipe of language.h, e.g. "cpp", "javascript"): `solution`
  // is then the whole program's source, built and run by that language's recipe; test, prelude,
  // entry_point and checking are not used. Empty (or "python"): the Python path above.
  std::string language = "";
  // Non-Python only: the program passes only when its last step prints exactly this on stdout
  // (LLM Foundry's input/output cases); unset: exit status 0 is the pass.
  std::optional<std::string> expected_stdout = std::nullopt;
  // Non-Python only: the last step gets fd 3, the write end of a pipe the runner reads, and passes
  // only when it wrote exactly this there (evidence that the test ran to its end, not an early
  // exit(0); tasks/code/native_assembly.h). Unset: fd 3 is closed like every fd above 2.
  std::optional<std::string> completion_token = std::nullopt;

  // Protection layers inside the program process. Both stay on in real use; tests switch one off
  // to show that the layer below still holds (e.g. no network even without the seccomp filter).
  bool audit_hook = true;  // Python audit hook: forbids sockets (except the completion marker), tracing, ...
  bool seccomp = true;     // the program's seccomp filter
};

}  // namespace mpt::sandbox
