#include "reports/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

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

std::string open_svg(const std::string& title, const char* cls) {
  return fmt::format(
      "<svg class=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "role=\"img\" aria-label=\"{}\"><title>{}</title>"
      "<text x=\"{}\" y=\"14\" class=\"chart-title\">{}</text>",
      cls, kWidth, kHeight, kWidth, kHeight, html_escape(title), html_escape(title), kLeft, html_escape(title));
}

// Horizontal grid lines and their labels at 0, top/2 and top.
std::string y_axis(double top) {
  std::string s;
  for (double f : {0.0, 0.5, 1.0}) {
    double y = kTop + kPlotH * (1.0 - f);
    s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/>", kLeft,
                     kLeft + kPlotW, y, y);
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" class=\"axis\" text-anchor=\"end\">{}</text>", kLeft - 4, y + 4,
                     format_points(top * f));
  }
  return s;
}

}  // namespace

std::string svg_bar_chart(const std::string& title, const std::vector<Bar>& bars) {
  double max_v = 0.0;
  for (const Bar& b : bars)
    if (b.value) max_v = std::max(max_v, *b.value + b.std_error.value_or(0.0));
  double top = axis_top(max_v);
  std::string s = open_svg(title, "chart bar-chart") + y_axis(top);
  double slot = kPlotW / static_cast<double>(std::max<size_t>(bars.size(), 1));
  double bw = std::min(40.0, slot * 0.7);
  auto y_of = [&](double v) { return kTop + kPlotH * (1.0 - std::clamp(v / top, 0.0, 1.0)); };
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    double x = kLeft + slot * (static_cast<double>(i) + 0.5) - bw / 2;
    if (!b.value) {
      s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"axis\" text-anchor=\"middle\">n/a</text>", x + bw / 2,
                       kTop + kPlotH - 4);
      continue;
    }
    double y = y_of(*b.value);
    s += fmt::format(
        "<rect class=\"bar\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" "
        "data-value=\"{}\"><title>{}: {}</title></rect>",
        x, y, bw, kTop + kPlotH - y, b.color, format_number(*b.value), html_escape(b.name),
        format_score(b.value, b.std_error));
    if (b.std_error && *b.std_error > 0) {
      double cx = x + bw / 2, y1 = y_of(*b.value - *b.std_error), y2 = y_of(*b.value + *b.std_error);
      s += fmt::format("<path class=\"whisker\" d=\"M{0:.1f} {1:.1f}V{2:.1f}M{3:.1f} {1:.1f}H{4:.1f}M{3:.1f} {2:.1f}H{4:.1f}\"/>",
                       cx, y1, y2, cx - 4, cx + 4);
    }
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"value\" text-anchor=\"middle\">{}</text>", x + bw / 2,
                     std::max(kTop + 8, y_of(*b.value + b.std_error.value_or(0.0)) - 3), format_points(*b.value));
  }
  return s + "</svg>";
}

std::string svg_line_chart(const std::string& title, const std::vector<LineSeries>& series) {
  double min_x = INFINITY, max_x = -INFINITY, max_v = 0.0;
  for (const LineSeries& l : series)
    for (auto [x, v] : l.points) min_x = std::min(min_x, x), max_x = std::max(max_x, x), max_v = std::max(max_v, v);
  if (!std::isfinite(min_x)) min_x = 0, max_x = 1;
  if (max_x == min_x) max_x = min_x + 1;
  double top = axis_top(max_v);
  auto px = [&](double x) { return kLeft + kPlotW * (x - min_x) / (max_x - min_x); };
  auto py = [&](double v) { return kTop + kPlotH * (1.0 - std::clamp(v / top, 0.0, 1.0)); };
  std::string s = open_svg(title, "chart line-chart") + y_axis(top);
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
