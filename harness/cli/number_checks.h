// Range checks for numeric options with messages in the project's error shape. CLI11's own
// PositiveNumber/NonNegativeNumber/Range print the type's whole range ("Value 0 not in range
// 0.000000 to 1797693...") and accept "-5" where only -1 is meaningful.
#pragma once

#include <CLI/CLI.hpp>

namespace mpt::cli {

// The value parses as a number and is >= `min` (e.g. at_least(-1) for "--limit: -1 = all").
CLI::Validator at_least(double min);
// The value parses as a number and is > 0.
CLI::Validator positive();
// The value parses as a number in [min, max].
CLI::Validator between(double min, double max);

}  // namespace mpt::cli
