// Inline SVG charts for the HTML report: drawn here, in C++, so they show without JavaScript and
// need no external library. Values are fractions and are labelled in percentage points.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mpt::reports {

struct Bar {
  std::string name;                 // run title (tooltip)
  std::string color;                // "#rrggbb"
  std::optional<double> value;      // fraction; no bar when absent
  std::optional<double> std_error;  // error whisker when present
};

// One bar per run with ± standard-error whiskers and the value above each bar (below a negative
// one). The y axis runs from 0, or from a round value below the lowest bar when a value is negative
// (gauntlet scores below their random baseline), to a round value above the tallest bar; bars
// grow from the zero line. Bars carry class "bar" and data-value.
std::string svg_bar_chart(const std::string& title, const std::vector<Bar>& bars);

struct LineSeries {
  std::string name;
  std::string color;
  std::vector<std::pair<double, double>> points;  // (training step, fraction), sorted by step
};

// Score against training step, one polyline (class "trend-line") with dots per series; the y axis
// as for the bar chart.
std::string svg_line_chart(const std::string& title, const std::vector<LineSeries>& series);

}  // namespace mpt::reports
