// mpt-eval report: the stored runs as a comparison table (CSV, Markdown, HTML or JSON), or as
// lm-evaluation-harness's results and samples files (--format lm-eval, into the --out directory).
#include <cstdio>
#include <memory>

#include "common/error.h"
#include "common/jsonl.h"
#include "common/log.h"
#include "harness/cli/subcommands.h"
#include "reports/lm_eval_export.h"
#include "reports/report.h"
#include "results/store.h"
#include "results/store_queries.h"

namespace mpt::cli {
namespace {

struct ReportFlags {
  std::string db = results::default_db_path();
  std::vector<int64_t> runs;
  std::vector<std::string> labels;
  std::string format = "md";
  std::string out;
  size_t max_changes = 50;
};

// lm-eval's files for each selected run, under the --out directory.
int run_lm_eval_report(const ReportFlags& o) {
  if (o.out.empty())
    throw input_error("--format lm-eval writes files", "--out", "an output directory", "no --out");
  reports::check_lm_eval_dir(o.out, "--out");
  results::Store store = results::Store::open(o.db, results::SqliteDb::OpenMode::ReadOnly);
  std::vector<int64_t> ids;
  for (const results::RunInfo& r : results::list_runs(store, {o.runs, o.labels})) ids.push_back(r.id);
  for (const std::string& path : reports::write_lm_eval(store, ids, o.out)) MPT_LOG(Info, "wrote {}", path);
  return 0;
}

int run_report(const ReportFlags& o) {
  if (o.format == "lm-eval") return run_lm_eval_report(o);
  results::Store store = results::Store::open(o.db, results::SqliteDb::OpenMode::ReadOnly);
  std::string text = reports::build_report(store, {o.runs, o.labels}, reports::parse_report_format(o.format),
                                           o.max_changes);
  if (o.out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else {
    write_file_atomic(o.out, text);
    MPT_LOG(Info, "wrote {} report to {}", o.format, o.out);
  }
  return 0;
}

}  // namespace

Action attach_report(CLI::App& app) {
  auto o = std::make_shared<ReportFlags>();
  app.add_option("--db", o->db, "results database ($MPTEVAL_DB when set, else ./mpt-eval.db)");
  CLI::Option* runs =
      app.add_option("--runs", o->runs, "run ids to report, in this column order (any status)")->delimiter(',');
  app.add_option("--label", o->labels, "report the completed runs carrying these labels (default: all completed runs)")
      ->delimiter(',')
      ->excludes(runs);
  app.add_option("--format", o->format,
                 "csv, md, html, json, or lm-eval (lm-evaluation-harness's results_<date>.json and "
                 "samples_<task>_<date>.jsonl per run, under the --out directory)")
      ->check(CLI::IsMember({"csv", "md", "markdown", "html", "json", "lm-eval"}));
  app.add_option("--out", o->out,
                 "write the report to this file (atomically) instead of stdout; lm-eval: the output directory");
  app.add_option("--max-changes", o->max_changes,
                 "html: changed examples listed per task between the first and the last run");
  return [o] { return run_report(*o); };
}

}  // namespace mpt::cli
