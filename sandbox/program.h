// A program for the sandbox: a solution, the test that checks it, and the function the test checks.
//
// The sandbox runs, in one fresh isolated process:
//     exec(solution)        e.g. HumanEval prompt + completion
//     exec(test)            must define exactly one function named `check`
//     check(<entry_point>)  only the genuine `check` compiled from `test` is accepted
// and the program passes only when check() returns (see docs/sandbox.md for the threat model).
#pragma once

#include <string>

namespace mpt::sandbox {

struct Program {
  std::string solution;
  std::string test;
  std::string entry_point;

  // Protection layers inside the program process. Both stay on in real use; tests switch one off
  // to show that the layer below still holds (e.g. no network even without the seccomp filter).
  bool audit_hook = true;  // Python audit hook: forbids sockets (except the completion marker), tracing, ...
  bool seccomp = true;     // the program's seccomp filter
};

}  // namespace mpt::sandbox
