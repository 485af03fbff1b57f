#include "reports/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "reports/format.h"

namespace mpt::reports {
namespace {

constexpr double kWidth = 280, kHeight = 170;
constexpr double kLeft = 34, kRight = 8, kTop = 22, kBottom = 22;
constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;

// The y-axis top: the next multiple of 10 points strictly above `max_fraction` (headroom for the
// value labels), at most 100 points for fractions.
double axis_top(double max_fraction) {
  double points = (std::floor(max_fraction * 100.0 / 10.0) + 1.0) * 10.0;
  return std::min(points, max_fraction > 1.0 ? points : 100.0) / 100.0;
}

// The y range: 0 (or, when some value is negative, e.g. a gauntlet score below its random
// baseline, the next multiple of 10 points below the lowest value) up to axis_top.
struct YAxis {
  double lo = 0.0, hi = 1.0;
  YAxis(double min_v, double max_v) : lo(min_v < 0.0 ? -axis_top(-min_v) : 0.0), hi(axis_top(std::max(max_v, 0.0))) {}
  double y(double v) const { return kTop + kPlotH * (hi - std::clamp(v, lo, hi)) / (hi - lo); }
};

std::string open_svg(const std::string& title, const char* cls) {
  return fmt::format(
      "<svg class=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "role=\"img\" aria-label=\"{}\"><title>{}</title>"
      "<text x=\"{}\" y=\"14\" class=\"chart-title\">{}</text>",
      cls, kWidth, kHeight, kWidth, kHeight, html_escape(title), html_escape(title), kLeft, html_escape(title));
}

// Horizontal grid lines with their labels: 0, top/2 and top, plus the bottom when it is negative.
std::string y_axis(const YAxis& axis) {
  std::string s;
  std::vector<double> ticks = {0.0, axis.hi / 2, axis.hi};
  if (axis.lo < 0.0) ticks = {axis.lo, 0.0, axis.hi};
  for (double v : ticks) {
    double y = axis.y(v);
    s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/>", kLeft,
                     kLeft + kPlotW, y, y);
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" class=\"axis\" text-anchor=\"end\">{}</text>", kLeft - 4, y + 4,
                     format_points(v));
  }
  return s;
}

}  // namespace

std::string svg_bar_chart(const std::string& title, const std::vector<Bar>& bars) {
  double min_v = 0.0, max_v = 0.0;
  for (const Bar& b : bars) {
    if (!b.value) continue;
    max_v = std::max(max_v, *b.value + b.std_error.value_or(0.0));
    min_v = std::min(min_v, *b.value - b.std_error.value_or(0.0));
  }
  const YAxis axis(min_v, max_v);
  std::string s = open_svg(title, "chart bar-chart") + y_axis(axis);
  double slot = kPlotW / static_cast<double>(std::max<size_t>(bars.size(), 1));
  double bw = std::min(40.0, slot * 0.7);
  const double zero = axis.y(0.0);
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    double x = kLeft + slot * (static_cast<double>(i) + 0.5) - bw / 2;
    if (!b.value) {
      s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"axis\" text-anchor=\"middle\">n/a</text>", x + bw / 2,
                       zero - 4);
      continue;
    }
    // A bar runs from the zero line to its value: up for positive values, down for negative ones.
    double y = axis.y(*b.value);
    s += fmt::format(
        "<rect class=\"bar\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" "
        "data-value=\"{}\"><title>{}: {}</title></rect>",
        x, std::min(y, zero), bw, std::abs(zero - y), b.color, format_number(*b.value), html_escape(b.name),
        format_score(b.value, b.std_error));
    if (b.std_error && *b.std_error > 0) {
      double cx = x + bw / 2, y1 = axis.y(*b.value - *b.std_error), y2 = axis.y(*b.value + *b.std_error);
      s += fmt::format("<path class=\"whisker\" d=\"M{0:.1f} {1:.1f}V{2:.1f}M{3:.1f} {1:.1f}H{4:.1f}M{3:.1f} {2:.1f}H{4:.1f}\"/>",
                       cx, y1, y2, cx - 4, cx + 4);
    }
    double label_y = *b.value >= 0.0 ? std::max(kTop + 8, axis.y(*b.value + b.std_error.value_or(0.0)) - 3)
                                     : std::min(kTop + kPlotH + 12, axis.y(*b.value - b.std_error.value_or(0.0)) + 11);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"value\" text-anchor=\"middle\">{}</text>", x + bw / 2,
                     label_y, format_points(*b.value));
  }
  return s + "</svg>";
}

std::string svg_line_chart(const std::string& title, const std::vector<LineSeries>& series) {
  double min_x = INFINITY, max_x = -INFINITY, min_v = 0.0, max_v = 0.0;
  for (const LineSeries& l : series)
    for (auto [x, v] : l.points)
      min_x = std::min(min_x, x), max_x = std::max(max_x, x), min_v = std::min(min_v, v), max_v = std::max(max_v, v);
  if (!std::isfinite(min_x)) min_x = 0, max_x = 1;
  if (max_x == min_x) max_x = min_x + 1;
  const YAxis axis(min_v, max_v);
  auto px = [&](double x) { return kLeft + kPlotW * (x - min_x) / (max_x - min_x); };
  auto py = [&](double v) { return axis.y(v); };
  std::string s = open_svg(title, "chart line-chart") + y_axis(axis);
  s += fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\">step {}</text>", kLeft, kHeight - 6, format_number(min_x));
  s += fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"end\">{}</text>", kLeft + kPlotW, kHeight - 6,
                   format_number(max_x));
  for (const LineSeries& l : series) {
    std::string pts;
    for (auto [x, v] : l.points) pts += fmt::format("{:.1f},{:.1f} ", px(x), py(v));
    s += fmt::format("<polyline class=\"trend-line\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\">"
                     "<title>{}</title></polyline>",
                     l.color, pts, html_escape(l.name));
    for (auto [x, v] : l.points)
      s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"><title>{} step {}: {}</title></circle>",
                       px(x), py(v), l.color, html_escape(l.name), format_number(x), format_points(v));
  }
  return s + "</svg>";
}

}  // namespace mpt::reports
