// The inline SVG charts: geometry of bars and the y axis, negative values included (a gauntlet
// score below its random baseline is negative and must show as a bar below the zero line).
#include "reports/svg_chart.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

namespace mpt::reports {
namespace {

struct Rect {
  double y, height;
  std::string value;
};

std::vector<Rect> bars_of(const std::string& svg) {
  std::vector<Rect> out;
  static const std::regex re(
      R"re(<rect class="bar" x="[-0-9.]+" y="([-0-9.]+)" width="[-0-9.]+" height="([-0-9.]+)" fill="[^"]*" data-value="([^"]*)")re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back({std::stod((*it)[1]), std::stod((*it)[2]), (*it)[3]});
  return out;
}

// The y coordinate of the grid line labelled `label` (percentage points).
double grid_y(const std::string& svg, const std::string& label) {
  std::smatch m;
  std::regex re("<text x=\"[0-9.]+\" y=\"([-0-9.]+)\" class=\"axis\" text-anchor=\"end\">" + std::regex_replace(label, std::regex(R"([.\-])"), R"(\$&)") + "</text>");
  if (!std::regex_search(svg, m, re)) return -1.0;
  return std::stod(m[1]) - 4.0;  // labels sit 4 px below their line
}

TEST(SvgChart, PositiveBarsStandOnTheZeroLine) {
  std::string svg = svg_bar_chart("piqa", {{"a", "#111111", 0.62, 0.02}, {"b", "#222222", 0.31, std::nullopt}});
  std::vector<Rect> bars = bars_of(svg);
  ASSERT_EQ(bars.size(), 2u);
  double zero = grid_y(svg, "0.0");
  ASSERT_GT(zero, 0.0) << svg;
  EXPECT_EQ(grid_y(svg, "-10.0"), -1.0) << "no negative axis without negative values";
  for (const Rect& b : bars) EXPECT_NEAR(b.y + b.height, zero, 0.11);
  EXPECT_GT(bars[0].height, bars[1].height * 1.9);  // 62 vs 31 points, same scale
}

TEST(SvgChart, NegativeBarsHangBelowTheZeroLineInsteadOfVanishing) {
  std::string svg = svg_bar_chart("core_average", {{"a", "#111111", 0.25, std::nullopt}, {"b", "#222222", -0.40, std::nullopt}});
  std::vector<Rect> bars = bars_of(svg);
  ASSERT_EQ(bars.size(), 2u);
  double zero = grid_y(svg, "0.0"), bottom = grid_y(svg, "-50.0");
  ASSERT_GT(zero, 0.0) << svg;
  ASSERT_GT(bottom, zero) << "an axis label at -50 points below the zero line: " << svg;
  EXPECT_EQ(bars[1].value, "-0.4");
  EXPECT_NEAR(bars[0].y + bars[0].height, zero, 0.11);  // positive: ends on the zero line
  EXPECT_NEAR(bars[1].y, zero, 0.11);                   // negative: starts on it
  EXPECT_GT(bars[1].height, 0.0);
  // Same scale on both sides: 40 points down is 1.6 times 25 points up (one-decimal rounding).
  EXPECT_NEAR(bars[1].height / bars[0].height, 1.6, 0.02);
  EXPECT_NE(svg.find(">-40.0</text>"), std::string::npos) << "the value label of the negative bar";
}

TEST(SvgChart, TrendLinesBelowZeroStayInsideThePlot) {
  std::string svg = svg_line_chart("core_average", {{"core_average", "#111111", {{100, -0.2}, {200, 0.05}, {300, 0.3}}}});
  static const std::regex re(R"re(<circle cx="[-0-9.]+" cy="([-0-9.]+)")re");
  std::vector<double> ys;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator(); ++it)
    ys.push_back(std::stod((*it)[1]));
  ASSERT_EQ(ys.size(), 3u);
  double zero = grid_y(svg, "0.0"), bottom = grid_y(svg, "-30.0");
  ASSERT_GT(bottom, zero) << svg;
  EXPECT_GT(ys[0], zero);  // below the zero line (larger y)
  EXPECT_LT(ys[0], bottom);
  EXPECT_LT(ys[1], zero);
  EXPECT_LT(ys[2], ys[1]);
}

}  // namespace
}  // namespace mpt::reports
