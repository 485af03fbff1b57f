#include "common/error.h"

#include <cstdio>

namespace mpt {

std::string format_error(const std::string& what, const std::string& where, const std::string& expected,
                         const std::string& found) {
  std::string s = what;
  if (!where.empty()) s += " (" + where + ")";
  if (!expected.empty() || !found.empty()) {
    s += ":";
    if (!expected.empty()) s += " expected " + expected;
    if (!expected.empty() && !found.empty()) s += ",";
    if (!found.empty()) s += " found " + found;
  }
  return s;
}

Error input_error(const std::string& what, const std::string& where, const std::string& expected,
                  const std::string& found) {
  return Error(ErrorKind::Input, format_error(what, where, expected, found));
}

Error runtime_error(const std::string& what, const std::string& where, const std::string& expected,
                    const std::string& found) {
  return Error(ErrorKind::Runtime, format_error(what, where, expected, found));
}

int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Input: return kExitInput;
    case ErrorKind::Runtime: return kExitRuntime;
    case ErrorKind::Regression: return kExitRegression;
    case ErrorKind::Interrupted: return kExitInterrupted;
  }
  return kExitRuntime;
}

std::string quote_excerpt(const std::string& s, size_t max) {
  std::string out = "\"";
  size_t n = 0;
  for (unsigned char c : s) {
    if (n >= max) {
      out += "...";
      break;
    }
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '"') out += "\\\"";
    else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
    ++n;
  }
  return out + "\"";
}

}  // namespace mpt
