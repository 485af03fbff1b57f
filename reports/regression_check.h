// `mpt-eval check`: does the candidate run regress against the baseline?
//
// A task REGRESSES when both hold:
//   * its primary metric dropped by more than `max_drop_points` percentage points
//     (baseline - candidate, in points: 0.012 -> 1.2), and
//   * the drop is significant: the paired test's p-value (see comparison.h) is below `alpha`.
//     When no test is possible (no per-example pairs and no standard errors), the drop alone decides.
// A task the candidate lacks, or whose primary metric it did not record, is MISSING (also a failure).
// Tasks new in the candidate are listed but never fail. Noise (any drop within max_drop_points, or
// a larger drop that is not significant) passes.
#pragma once

#include <string>
#include <vector>

#include "reports/comparison.h"
#include "results/run_snapshot.h"

namespace mpt::reports {

struct CheckOptions {
  double max_drop_points = 1.0;
  CompareOptions compare;  // compare.alpha is the significance level
};

enum class Verdict { Pass, Regression, Missing };
const char* to_string(Verdict v);

struct TaskVerdict {
  std::string label;
  Verdict verdict = Verdict::Pass;
  std::string reason;                     // one line: "dropped 3.2 points (p = 0.0012 < 0.05)"
  std::optional<TaskComparison> comparison;  // absent when the candidate lacks the task
};

struct CheckResult {
  std::string baseline_title, candidate_title;
  std::string baseline_source, candidate_source;
  CheckOptions options;
  std::vector<TaskVerdict> tasks;  // every baseline task, by label
  std::vector<std::string> new_tasks;

  int failures() const;  // Regression + Missing
};

CheckResult run_check(const results::RunSnapshot& baseline, const results::RunSnapshot& candidate,
                      const CheckOptions& options);

// JUnit XML: one <testcase> per baseline task (classname "mpt-eval.check"), <failure> for a
// regression or a missing task, the numbers in <system-out>.
std::string render_junit(const CheckResult& result);
// Markdown for a pull-request comment: verdict line, a table of every task, the settings.
std::string render_check_markdown(const CheckResult& result);

}  // namespace mpt::reports
