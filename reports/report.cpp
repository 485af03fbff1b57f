#include "reports/report.h"

#include <fmt/format.h>

#include "common/error.h"
#include "reports/comparison_table.h"
#include "reports/format.h"
#include "reports/json_export.h"

namespace mpt::reports {
namespace {

std::string opt_number(const std::optional<double>& v) { return v ? format_number(*v) : ""; }

std::string run_columns_csv(const results::RunSnapshot& s) {
  const results::RunInfo& r = s.run;
  std::string step = r.spec.training_step ? std::to_string(*r.spec.training_step) : "";
  return std::to_string(r.id) + "," + csv_field(r.spec.label) + "," + csv_field(r.spec.model_path) + "," +
         r.spec.model_hash + "," + step + "," + csv_field(r.spec.dtype) + "," + csv_field(r.spec.device_class) + "," +
         results::to_string(r.status);
}

std::string markdown_table(const std::vector<std::string>& columns, const std::vector<TableRow>& rows,
                           const char* first_header) {
  std::string out = std::string("| ") + first_header + " |";
  for (const std::string& c : columns) out += fmt::format(" {} |", markdown_cell(c));
  out += "\n| --- |";
  for (size_t i = 0; i < columns.size(); ++i) out += " --: |";
  out += "\n";
  for (const TableRow& row : rows) {
    out += fmt::format("| {} |", markdown_cell(row.name));
    for (const TableCell& c : row.cells)
      out += fmt::format(" {}{} |", format_score(c.value, c.std_error), c.partial ? "*" : "");
    out += "\n";
  }
  return out;
}

}  // namespace

ReportFormat parse_report_format(const std::string& name) {
  if (name == "csv") return ReportFormat::Csv;
  if (name == "md" || name == "markdown") return ReportFormat::Markdown;
  if (name == "html") return ReportFormat::Html;
  if (name == "json") return ReportFormat::Json;
  throw input_error("unknown report format", "--format", "csv, md, html or json", "'" + name + "'");
}

std::string render_csv(const std::vector<results::RunSnapshot>& runs) {
  std::string out =
      "run_id,run_label,model_path,model_hash,training_step,dtype,device_class,status,row_kind,name,metric,"
      "is_primary,value,stderr,count,num_examples,stored_examples,partial\n";
  for (const results::RunSnapshot& s : runs) {
    std::string run = run_columns_csv(s);
    for (const results::TaskSnapshot& t : s.tasks) {
      const results::TaskInfo& i = t.info;
      bool partial = i.stored_examples < i.spec.num_examples;
      for (const results::MetricRecord& m : t.metrics)
        out += run + ",task," + csv_field(i.spec.label) + "," + csv_field(m.name) + "," +
               (m.name == i.spec.primary_metric ? "1" : "0") + "," + format_number(m.value) + "," +
               opt_number(m.std_error) + "," + std::to_string(m.count) + "," + std::to_string(i.spec.num_examples) +
               "," + std::to_string(i.stored_examples) + "," + (partial ? "1" : "0") + "\n";
    }
    for (const results::GauntletRecord& g : s.gauntlet)
      out += run + ",gauntlet," + csv_field(g.category) + ",gauntlet_score,1," + format_number(g.score) + ",,,,," +
             (g.partial ? "1" : "0") + "\n";
  }
  return out;
}

std::string render_markdown(const std::vector<results::RunSnapshot>& runs) {
  ComparisonTable table = build_comparison_table(runs);
  std::string out = "# mpt-eval results\n\n| run | label | model | model hash | step | dtype | device | status |\n";
  out += "| --- | --- | --- | --- | --: | --- | --- | --- |\n";
  for (const results::RunSnapshot& s : runs) {
    const results::RunInfo& r = s.run;
    out += "| " + std::to_string(r.id) + " | " + markdown_cell(r.spec.label) + " | " + markdown_cell(r.spec.model_path) +
           " | `" + r.spec.model_hash.substr(0, 12) + "` | " +
           (r.spec.training_step ? std::to_string(*r.spec.training_step) : "") + " | " + r.spec.dtype + " | " +
           markdown_cell(r.spec.device) + " | " + results::to_string(r.status) + " |\n";
  }
  out += "\n## Tasks\n\nPrimary metric in percent ± standard error; * = not every example was evaluated.\n\n";
  out += markdown_table(table.columns, table.tasks, "task");
  if (!table.categories.empty()) {
    out += "\n## Eval gauntlet\n\nCategory scores in percent; * = partial (some of the category's tasks missing).\n\n";
    out += markdown_table(table.columns, table.categories, "category");
  }
  return out;
}

std::string build_report(const results::Store& store, const results::RunSelection& selection, ReportFormat format,
                         size_t max_changes) {
  std::vector<results::RunSnapshot> runs;
  for (const results::RunInfo& r : results::list_runs(store, selection))
    runs.push_back(results::load_snapshot(store, r.id));
  if (runs.empty())
    throw input_error("no completed runs to report", store.path(), "at least one completed run (or --runs ID)", "none");
  switch (format) {
    case ReportFormat::Csv: return render_csv(runs);
    case ReportFormat::Markdown: return render_markdown(runs);
    case ReportFormat::Json: return export_json(runs);
    case ReportFormat::Html: {
      HtmlReportInput in{std::move(runs), std::nullopt, store.path()};
      if (in.runs.size() >= 2) in.diff = load_run_diff(store, in.runs.front(), in.runs.back(), max_changes);
      return render_html(in);
    }
  }
  return "";
}

}  // namespace mpt::reports
