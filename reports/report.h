// `mpt-eval report`: the selected runs as a comparison table in CSV, Markdown, HTML or JSON.
//
// CSV (one row per run × task metric and per run × gauntlet category; columns in docs/results.md):
//   run_id,run_label,model_path,model_hash,training_step,dtype,device_class,status,row_kind,name,
//   metric,is_primary,value,stderr,count,num_examples,stored_examples,partial
// Markdown: runs, then tasks × runs ("79.4 ± 0.9", percent ± standard error), then gauntlet.
// HTML: one self-contained file (html_report.cpp). JSON: json_export.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/example_changes.h"
#include "results/run_snapshot.h"
#include "results/store.h"
#include "results/store_queries.h"

namespace mpt::reports {

enum class ReportFormat { Csv, Markdown, Html, Json };
// "csv", "md" or "markdown", "html", "json"; Input error otherwise.
ReportFormat parse_report_format(const std::string& name);

std::string render_csv(const std::vector<results::RunSnapshot>& runs);
std::string render_markdown(const std::vector<results::RunSnapshot>& runs);

struct HtmlReportInput {
  std::vector<results::RunSnapshot> runs;
  std::optional<RunDiff> diff;  // per-example changes between the first and the last run
  std::string source;           // the database path, shown in the header
};
std::string render_html(const HtmlReportInput& input);

// Loads the selected runs (list_runs) and renders them. HTML gets the per-example view between the
// first and the last selected run (up to `max_changes` examples per task).
std::string build_report(const results::Store& store, const results::RunSelection& selection, ReportFormat format,
                         size_t max_changes = 50);

}  // namespace mpt::reports
