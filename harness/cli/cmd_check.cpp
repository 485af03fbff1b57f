// mpt-eval check: CI regression gate of a candidate run against a baseline (exit 3 on regression).
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "common/error.h"
#include "common/jsonl.h"
#include "common/log.h"
#include "harness/cli/number_checks.h"
#include "harness/cli/subcommands.h"
#include "reports/format.h"
#include "reports/regression_check.h"
#include "reports/run_resolver.h"
#include "results/store.h"

namespace mpt::cli {
namespace {

struct CheckFlags {
  std::string db = results::default_db_path();
  std::string baseline, candidate;
  reports::CheckOptions check;
  std::string junit, markdown;
};

void require_completed(const results::RunSnapshot& s, const char* role) {
  if (s.run.status != results::RunStatus::Completed)
    throw input_error(std::string(role) + " run is not completed", s.source, "a completed run",
                      std::string("status ") + results::to_string(s.run.status));
}

int run_check(const CheckFlags& o) {
  reports::RunResolver resolver(o.db);
  results::RunSnapshot baseline = resolver.load(o.baseline);
  results::RunSnapshot candidate = resolver.load(o.candidate);
  require_completed(baseline, "baseline");
  require_completed(candidate, "candidate");
  reports::CheckResult r = reports::run_check(baseline, candidate, o.check);
  if (!o.junit.empty()) write_file_atomic(o.junit, reports::render_junit(r));
  if (!o.markdown.empty()) write_file_atomic(o.markdown, reports::render_check_markdown(r));

  std::string out = fmt::format("baseline:  {} ({})\ncandidate: {} ({})\n", r.baseline_title, r.baseline_source,
                                r.candidate_title, r.candidate_source);
  std::string failed;
  for (const reports::TaskVerdict& t : r.tasks) {
    out += fmt::format("  {:<10} {}: {}\n", reports::to_string(t.verdict), t.label, t.reason);
    if (t.verdict != reports::Verdict::Pass) failed += (failed.empty() ? "" : "; ") + t.label + " " + t.reason;
  }
  for (const std::string& l : r.new_tasks) out += fmt::format("  {:<10} {}: new in the candidate\n", "new", l);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  if (r.failures() > 0)
    throw Error(ErrorKind::Regression, fmt::format("{} of {} task(s) regressed: {}", r.failures(), r.tasks.size(), failed));
  MPT_LOG(Info, "check passed: no task regressed beyond {} points at alpha {}", o.check.max_drop_points,
          o.check.compare.alpha);
  return 0;
}

}  // namespace

Action attach_check(CLI::App& app) {
  auto o = std::make_shared<CheckFlags>();
  app.add_option("--baseline", o->baseline, "baseline: run id, results JSON file (report --format json), or label")
      ->required();
  app.add_option("--candidate", o->candidate, "candidate: run id, results JSON file, or label")->required();
  app.add_option("--db", o->db, "results database ($MPTEVAL_DB when set, else ./mpt-eval.db)");
  app.add_option("--max-drop", o->check.max_drop_points,
                 "allowed drop in percentage points before a significant drop fails")
      ->check(at_least(0));
  app.add_option("--alpha", o->check.compare.alpha, "significance level of the paired test")->check(between(1e-6, 0.5));
  app.add_option("--resamples", o->check.compare.resamples, "bootstrap / permutation resamples")
      ->check(between(100, 1000000));
  app.add_option("--junit", o->junit, "also write JUnit XML here (one test case per task)");
  app.add_option("--markdown", o->markdown, "also write a Markdown summary here (for a pull-request comment)");
  return [o] { return run_check(*o); };
}

}  // namespace mpt::cli
