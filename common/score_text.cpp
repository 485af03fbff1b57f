#include "common/score_text.h"

#include <fmt/format.h>

#include <cmath>

namespace mpt {

std::string format_points(double fraction) { return fmt::format("{:.1f}", fraction * 100.0); }

std::string format_delta_points(double fraction) {
  double points = fraction * 100.0;
  if (std::fabs(points) < 0.05) return "0.0";  // no "-0.0" or "+0.0"
  return fmt::format("{:+.1f}", points);
}

std::string format_score(std::optional<double> value, std::optional<double> std_error) {
  if (!value) return "—";
  if (!std_error) return format_points(*value);
  return format_points(*value) + " ± " + format_points(*std_error);
}

}  // namespace mpt
