// Task-by-task comparison of two runs (A = baseline, B = candidate): the change of each task's
// primary metric, a significance test on the paired per-example scores, a paired bootstrap
// confidence interval, and the examples whose score changed. `compare` prints it; `check` judges it.
//
// Which test (TaskComparison::test):
//   McNemar   every paired score is 0 or 1 (accuracy-like): exact McNemar on the discordant pairs.
//   SignFlip  paired scores are fractional (e.g. pass fractions of code problems): sign-flip
//             permutation test with `resamples` draws.
//   ZTest     no per-example pairs (a JSON baseline without examples, or the task's data file
//             changed so indices no longer name the same examples): two-sample z test on the
//             metric values and their standard errors.
//   None      nothing to test with (no pairs and no standard errors, or a metric is missing).
// The confidence interval is for B - A in metric units: paired bootstrap over the common examples,
// or value ± z·SE for the z test.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reports/statistics.h"
#include "results/run_snapshot.h"

namespace mpt::reports {

struct CompareOptions {
  double alpha = 0.05;         // the interval is (1 - alpha) two-sided
  int resamples = 10000;       // bootstrap and sign-flip draws
  uint64_t seed = 20240601;    // fixed so that reports are reproducible
};

enum class TestKind { McNemar, SignFlip, ZTest, None };
const char* to_string(TestKind t);

struct Flip {
  int64_t index = 0;
  double score_a = 0.0;
  double score_b = 0.0;
};

struct TaskComparison {
  std::string label;
  std::string metric;                  // primary metric name
  std::optional<double> value_a, value_b;        // aggregated primary metric
  std::optional<double> stderr_a, stderr_b;
  std::optional<double> delta;         // value_b - value_a
  int64_t paired = 0;                  // examples present in both runs
  int64_t a_only_right = 0;            // McNemar b: 1 in A, 0 in B
  int64_t b_only_right = 0;            // McNemar c: 0 in A, 1 in B
  TestKind test = TestKind::None;
  std::optional<double> p_value;
  std::optional<Interval> ci;          // for B - A
  std::vector<Flip> flips;             // examples whose score differs, by index
  std::string note;                    // why a test could not be paired, etc. ("" when none)
};

struct RunComparison {
  std::string title_a, title_b;
  std::vector<TaskComparison> tasks;   // tasks present in both runs, by label
  std::vector<std::string> only_in_a;  // tasks the candidate lacks
  std::vector<std::string> only_in_b;  // tasks new in the candidate
};

RunComparison compare_runs(const results::RunSnapshot& a, const results::RunSnapshot& b, const CompareOptions& options);
TaskComparison compare_tasks(const results::TaskSnapshot& a, const results::TaskSnapshot& b, const CompareOptions& options);

}  // namespace mpt::reports
