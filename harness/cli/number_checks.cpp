#include "harness/cli/number_checks.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

namespace mpt::cli {
namespace {

// fmt's shortest round-trip form: "1", "0.5", "1e-06" (never 300 digits).
std::string show(double v) { return fmt::format("{}", v); }

CLI::Validator make(std::string description, double min, bool min_open, double max) {
  return CLI::Validator(
      [min, min_open, max](std::string& text) -> std::string {
        const char* s = text.c_str();
        char* end = nullptr;
        errno = 0;
        double v = std::strtod(s, &end);
        std::string expected = min_open ? "a number > " + show(min)
                               : std::isinf(max) ? "a number >= " + show(min)
                                                 : "a number from " + show(min) + " to " + show(max);
        if (end == s || *end != '\0' || errno == ERANGE || !std::isfinite(v))
          return "expected " + expected + ", found '" + text + "'";
        if (v < min || (min_open && v == min) || v > max) return "expected " + expected + ", found " + text;
        return "";
      },
      std::move(description));
}

}  // namespace

CLI::Validator at_least(double min) { return make(">= " + show(min), min, false, INFINITY); }
CLI::Validator positive() { return make("> 0", 0, true, INFINITY); }
CLI::Validator between(double min, double max) { return make(show(min) + " to " + show(max), min, false, max); }

}  // namespace mpt::cli
