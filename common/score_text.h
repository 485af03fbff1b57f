// How a score reads as text wherever one is shown (the run's summary table, every report format).
// Scores are stored as fractions (0.794) and shown as percentage points with one decimal ("79.4").
#pragma once

#include <optional>
#include <string>

namespace mpt {

std::string format_points(double fraction);        // 0.7943 -> "79.4"
std::string format_delta_points(double fraction);  // -0.0212 -> "-2.1", 0.003 -> "+0.3", never "-0.0"
// "79.4 ± 0.9", "79.4" without a standard error, "—" without a value.
std::string format_score(std::optional<double> value, std::optional<double> std_error);

}  // namespace mpt
