// Number and text formatting shared by every report format. Scores are stored as fractions
// (0.794); tables show them as percentage points with one decimal ("79.4"), deltas with a sign
// (common/score_text.h, which the run's own summary uses too).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/score_text.h"
#include "reports/statistics.h"

namespace mpt::reports {

using mpt::format_delta_points;
using mpt::format_points;
using mpt::format_score;
std::string format_interval_points(const Interval& ci);       // "[-2.1, +0.3]"
std::string format_p(std::optional<double> p);                  // "0.0386", "<0.0001", "—"
std::string format_number(double v);                           // shortest round-trip text, for CSV/JSON-like output

std::string html_escape(std::string_view s);                    // & < > " '
std::string csv_field(std::string_view s);                      // quoted when needed (RFC 4180)
std::string markdown_cell(std::string_view s);                  // escapes | and newlines

}  // namespace mpt::reports
