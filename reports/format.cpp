#include "reports/format.h"

#include <fmt/format.h>


namespace mpt::reports {

std::string format_interval_points(const Interval& ci) {
  return fmt::format("[{}, {}]", format_delta_points(ci.low), format_delta_points(ci.high));
}

std::string format_p(std::optional<double> p) {
  if (!p) return "—";
  if (*p < 0.0001) return "<0.0001";
  return fmt::format("{:.4f}", *p);
}

std::string format_number(double v) { return fmt::format("{}", v); }

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string markdown_cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

}  // namespace mpt::reports
