// The one error family of mpt-eval.
//
// Library code reports every failure by throwing mpt::Error; it never prints and never exits.
// The CLI maps the kind to an exit code (see exit_code) and prints what().
//
//   ErrorKind::Input       bad input or usage: a file, a line, a key, an option the user can fix (exit 2)
//   ErrorKind::Runtime     the input was fine but the work failed: I/O, a crashed worker, a peer rank (exit 1)
//   ErrorKind::Regression  `mpt-eval check` found a significant regression (exit 3)
//
// Messages follow one shape so that users can act on them:
//   <what> (<where>): expected <expected>, found <found>
// e.g. "missing key 'gold' (data/piqa.jsonl:17): expected an integer choice index, found no such key".
#pragma once

#include <stdexcept>
#include <string>

namespace mpt {

enum class ErrorKind { Input, Runtime, Regression };

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

// Exit codes of the CLI: 0 ok, 1 runtime failure, 2 bad input or usage, 3 regression detected.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;
inline constexpr int kExitInput = 2;
inline constexpr int kExitRegression = 3;
int exit_code(ErrorKind kind);

// Shortens a string for an error message: at most `max` bytes, with "..." when cut, and control
// characters shown as escapes so that a binary blob cannot garble the terminal.
std::string quote_excerpt(const std::string& s, size_t max = 60);

}  // namespace mpt
