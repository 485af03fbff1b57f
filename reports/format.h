// Number and text formatting shared by every report format. Scores are stored as fractions
// (0.794); tables show them as percentage points with one decimal ("79.4"), deltas with a sign.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reports/statistics.h"

namespace mpt::reports {

std::string format_points(double fraction);                    // 0.7943 -> "79.4"
std::string format_delta_points(double fraction);              // -0.0212 -> "-2.1", 0.003 -> "+0.3"
// "79.4 ± 0.9", "79.4" without a standard error, "—" without a value.
std::string format_score(std::optional<double> value, std::optional<double> std_error);
std::string format_interval_points(const Interval& ci);       // "[-2.1, +0.3]"
std::string format_p(std::optional<double> p);                  // "0.0386", "<0.0001", "—"
std::string format_number(double v);                           // shortest round-trip text, for CSV/JSON-like output

std::string html_escape(std::string_view s);                    // & < > " '
std::string csv_field(std::string_view s);                      // quoted when needed (RFC 4180)
std::string markdown_cell(std::string_view s);                  // escapes | and newlines

}  // namespace mpt::reports
