#include "reports/regression_check.h"

#include <fmt/format.h>

#include <algorithm>

#include "reports/format.h"

namespace mpt::reports {
namespace {

TaskVerdict judge(const TaskComparison& c, const CheckOptions& o) {
  TaskVerdict v{c.label, Verdict::Pass, "", c};
  if (!c.value_b) {
    v.verdict = Verdict::Missing;
    v.reason = "the candidate recorded no " + c.metric;
    return v;
  }
  if (!c.value_a) {
    v.reason = "the baseline has no value to compare with";
    return v;
  }
  double drop = (*c.value_a - *c.value_b) * 100.0;
  double alpha = o.compare.alpha;
  bool significant = !c.p_value || *c.p_value < alpha;
  std::string p_text = format_p(c.p_value);
  std::string p = p_text[0] == '<' ? "p " + p_text.substr(0, 1) + " " + p_text.substr(1) : "p = " + p_text;
  std::string test = !c.p_value   ? std::string("no test possible")
                     : significant ? fmt::format("{}, below alpha {}", p, alpha)
                                   : fmt::format("{}, not below alpha {}", p, alpha);
  if (drop > o.max_drop_points && significant) {
    v.verdict = Verdict::Regression;
    v.reason = fmt::format("dropped {:.1f} points (more than the allowed {}; {})", drop, o.max_drop_points, test);
  } else if (drop > o.max_drop_points) {
    v.reason = fmt::format("dropped {:.1f} points, not significant ({})", drop, test);
  } else {
    v.reason = fmt::format("change {} points, within the allowed drop of {}", format_delta_points(*c.delta),
                           o.max_drop_points);
  }
  return v;
}

}  // namespace

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::Pass: return "pass";
    case Verdict::Regression: return "REGRESSION";
    case Verdict::Missing: return "MISSING";
  }
  return "pass";
}

int CheckResult::failures() const {
  int n = 0;
  for (const TaskVerdict& t : tasks) n += t.verdict != Verdict::Pass;
  return n;
}

CheckResult run_check(const results::RunSnapshot& baseline, const results::RunSnapshot& candidate,
                      const CheckOptions& options) {
  CheckResult r;
  r.baseline_title = baseline.title();
  r.candidate_title = candidate.title();
  r.baseline_source = baseline.source;
  r.candidate_source = candidate.source;
  r.options = options;
  RunComparison cmp = compare_runs(baseline, candidate, options.compare);
  for (const TaskComparison& c : cmp.tasks) r.tasks.push_back(judge(c, options));
  for (const std::string& label : cmp.only_in_a)
    r.tasks.push_back({label, Verdict::Missing, "the candidate did not evaluate this task", std::nullopt});
  std::sort(r.tasks.begin(), r.tasks.end(), [](const auto& x, const auto& y) { return x.label < y.label; });
  r.new_tasks = cmp.only_in_b;
  return r;
}

}  // namespace mpt::reports
