// The one error family of mpt-eval.
//
// Library code reports every failure by throwing mpt::Error; it never prints and never exits.
// The CLI maps the kind to an exit code (see exit_code) and prints what().
//
//   ErrorKind::Input       bad input or usage: a file, a line, a key, an option the user can fix (exit 2)
//   ErrorKind::Runtime     the input was fine but the work failed: I/O, a crashed worker, a peer rank (exit 1)
//   ErrorKind::Regression  `mpt-eval check` found a significant regression (exit 3)
//   ErrorKind::Interrupted SIGINT/SIGTERM stopped the work after committing it (exit 128 + signal;
//                          common/interrupt.h)
//
// Messages follow one shape so that users can act on them:
//   <what> (<where>): expected <expected>, found <found>
// e.g. "missing key 'gold' (data/piqa.jsonl:17): expected an integer choice index, found no such key".
#pragma once

#include <stdexcept>
#include <string>

namespace mpt {

enum class ErrorKind { Input, Runtime, Regression, Interrupted };

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// Builds "<what> (<where>): expected <expected>, found <found>"; empty parts are left out.
std::string format_error(const std::string& what, const std::string& where = "",
                         const std::string& expected = "", const std::string& found = "");

// Convenience constructors for the two common kinds.
Error input_error(const std::string& what, const std::string& where = "", const std::string& expected = "",
                  const std::string& found = "");
Error runtime_error(const std::string& what, const std::string& where = "", const std::string& expected = "",
                    const std::string& found = "");

// A model output (log-likelihood, logits) that is NaN or infinite. `request` is the index of the
// request, in the call that produced it, whose output went non-finite; callers that know what the
// request stands for (a task's example) rethrow with that context.
class NonFiniteOutput : public Error {
 public:
  NonFiniteOutput(const std::string& message, size_t request) : Error(ErrorKind::Runtime, message), request_(request) {}
  size_t request() const { return request_; }

 private:
  size_t request_;
};

// Exit codes of the CLI: 0 ok, 1 runtime failure, 2 bad input or usage, 3 regression detected,
// 130 / 143 interrupted by SIGINT / SIGTERM.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;
inline constexpr int kExitInput = 2;
inline constexpr int kExitRegression = 3;
inline constexpr int kExitInterrupted = 130;  // SIGINT; SIGTERM gives 143 (interrupted_exit_code)
int exit_code(ErrorKind kind);

// Shortens a string for an error message: at most `max` bytes, with "..." when cut, and control
// characters shown as escapes so that a binary blob cannot garble the terminal.
std::string quote_excerpt(const std::string& s, size_t max = 60);

}  // namespace mpt
