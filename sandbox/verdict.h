// Verdicts of sandboxed programs and the result record of one execution.
//
// `result` follows OpenAI human-eval's strings ("passed", "timed out", "failed: <exception message>")
// so that results files stay compatible; `verdict` is the finer classification.
#pragma once

#include <cstdint>

#include <optional>
#include <string>

namespace mpt::sandbox {

enum class Verdict {
  Passed,               // check() returned and the completion marker arrived
  Failed,               // an exception, an early exit, a forbidden operation, a wrong answer
  Timeout,              // the wall-clock (or CPU) limit ended it
  Memory,               // MemoryError under the address-space limit
  OutputLimit,          // stdout + stderr exceeded the limit; it was ended
  Crashed,              // killed by a signal it did not survive (signal says which)
  CompileError,         // a compiled language's compile step failed (or exceeded its limits)
  InfrastructureError,  // the sandbox itself failed (never the program's fault); retried once
};

// "passed", "failed", "timeout", "memory", "output_limit", "crashed", "compile_error",
// "infrastructure_error".
const char* verdict_name(Verdict v);
// The inverse of verdict_name; std::nullopt for anything else.
std::optional<Verdict> parse_verdict(const std::string& name);

struct ExecutionResult {
  Verdict verdict = Verdict::InfrastructureError;
  std::string result;     // human-eval style: "passed", "timed out", "failed: ..."
  int signal = 0;         // for Crashed: the signal number
  int exit_status = 0;    // the process's exit status (negative: killed by that signal)
  std::string stdout_text, stderr_text;  // the first Limits::keep_output_bytes of each
  double wall_seconds = 0.0;             // from the process's start to its end
  int attempts = 1;                      // > 1 when an infrastructure error was retried
  std::string isolation;                 // the isolation level it ran under (see IsolationReport)

  bool passed() const { return verdict == Verdict::Passed; }
};

// What the zygote reports about one program run (the raw facts classify() turns into a verdict).
struct RunFacts {
  std::string error;       // non-empty: the zygote failed (infrastructure)
  int status = 0;          // exit status; negative = killed by signal -status
  bool timed_out = false;  // killed at the wall-clock deadline
  bool output_limit = false;
  bool done = false;       // the completion marker arrived from the program's own process
  std::string report;      // the report channel: "R\n" after set-up, then "F<type>\t<msg>" / "T<event>" / "C" lines,
                           // or (non-Python recipes) "N<verdict>\t<msg>" from the trusted runner
  uint64_t output_bytes = 0;
  // Split-process checking: the candidate's process (the facts above are the checker's).
  bool split = false;
  int candidate_status = 0;        // its exit status; negative = killed by signal -status
  bool candidate_killed = false;   // still running when the checker ended (the zygote ended it)
  std::string candidate_report;    // the end of its report channel (only a "T" line is used)
};

// Classifies one run. Precedence: infrastructure, passed (marker), timeout, output limit, signal,
// then the last report line (forbidden operation, MemoryError, other exception, the candidate's
// process gone: then its exit status or signal), then the exit status.
// A "F" line's message is unescaped (\\ \n \r); the zygote keeps at most its last 8192 characters.
ExecutionResult classify(const RunFacts& facts);

}  // namespace mpt::sandbox
