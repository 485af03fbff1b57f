// The HTML report (declared in report.h): one self-contained file, no external assets. Tables are
// plain HTML (readable without JavaScript); charts are inline SVG drawn here; the small inline
// script only adds sorting (html_assets.h).
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "common/build_info.h"
#include "reports/comparison_table.h"
#include "reports/format.h"
#include "reports/html_assets.h"
#include "reports/report.h"
#include "reports/svg_chart.h"

namespace mpt::reports {
namespace {

std::string swatch(size_t i) { return fmt::format("<span class=\"swatch\" style=\"background:{}\"></span>", run_color(i)); }

std::string score_cell(const TableCell& c) {
  std::string value = c.value ? format_number(*c.value) : "";
  std::string text = html_escape(format_score(c.value, c.std_error));
  if (c.partial) text += "<span class=\"partial\" title=\"partial: not every example was evaluated\">*</span>";
  return fmt::format("<td class=\"num\" data-value=\"{}\">{}</td>", value, text);
}

std::string score_table(const char* id, const char* first, const ComparisonTable& t, const std::vector<TableRow>& rows) {
  std::string s = fmt::format("<table id=\"{}\" class=\"sortable\"><thead><tr><th>{}</th><th>metric</th>", id, first);
  for (size_t i = 0; i < t.columns.size(); ++i) s += "<th>" + swatch(i) + html_escape(t.columns[i]) + "</th>";
  s += "</tr></thead><tbody>";
  for (const TableRow& row : rows) {
    s += "<tr><td>" + html_escape(row.name) + "</td><td><code>" + html_escape(row.metric) + "</code></td>";
    for (const TableCell& c : row.cells) s += score_cell(c);
    s += "</tr>";
  }
  return s + "</tbody></table>";
}

std::string runs_table(const std::vector<results::RunSnapshot>& runs) {
  std::string s =
      "<table id=\"runs-table\" class=\"sortable\"><thead><tr><th>run</th><th>label</th><th>model</th>"
      "<th>model hash</th><th>tokenizer hash</th><th>step</th><th>dtype</th><th>device</th><th>ranks</th>"
      "<th>status</th><th>started</th><th>ended</th><th>harness</th></tr></thead><tbody>";
  for (size_t i = 0; i < runs.size(); ++i) {
    const results::RunInfo& r = runs[i].run;
    std::string step = r.spec.training_step ? std::to_string(*r.spec.training_step) : "";
    s += fmt::format(
        "<tr><td class=\"num\" data-value=\"{}\">{}#{}</td><td>{}</td><td><code>{}</code></td>"
        "<td><code title=\"{}\">{}</code></td><td><code title=\"{}\">{}</code></td><td class=\"num\" "
        "data-value=\"{}\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{} ({})</td></tr>",
        r.id, swatch(i), r.id, html_escape(r.spec.label), html_escape(r.spec.model_path), r.spec.model_hash,
        r.spec.model_hash.substr(0, 12), r.spec.tokenizer_hash, r.spec.tokenizer_hash.substr(0, 12), step, step,
        html_escape(r.spec.dtype), html_escape(r.spec.device), r.spec.world_size, results::to_string(r.status),
        html_escape(r.started_at), html_escape(r.ended_at.value_or("")), html_escape(r.harness_version),
        html_escape(r.git_revision));
  }
  return s + "</tbody></table>";
}

std::string bar_charts(const ComparisonTable& t, const std::vector<TableRow>& rows) {
  std::string s = "<div class=\"charts\">";
  for (const TableRow& row : rows) {
    std::vector<Bar> bars;
    for (size_t i = 0; i < row.cells.size(); ++i)
      bars.push_back({t.columns[i], run_color(i), row.cells[i].value, row.cells[i].std_error});
    s += svg_bar_chart(row.name, bars);
  }
  return s + "</div>";
}

// Runs with a training step, grouped into series by label (or model path), plotted per row.
std::string trend_charts(const std::vector<results::RunSnapshot>& runs, const ComparisonTable& t) {
  std::map<std::string, std::vector<size_t>> series;  // series name -> run columns, by step
  for (size_t i = 0; i < runs.size(); ++i)
    if (runs[i].run.spec.training_step)
      series[runs[i].run.spec.label.empty() ? runs[i].run.spec.model_path : runs[i].run.spec.label].push_back(i);
  bool any_line = false;
  for (auto& [name, cols] : series) {
    std::sort(cols.begin(), cols.end(), [&](size_t a, size_t b) {
      return *runs[a].run.spec.training_step < *runs[b].run.spec.training_step;
    });
    any_line = any_line || cols.size() >= 2;
  }
  if (!any_line) return "";
  std::string s = "<h2 id=\"trends\">Trends over training steps</h2><div class=\"charts\">";
  std::vector<const TableRow*> rows;
  for (const TableRow& r : t.categories) rows.push_back(&r);
  for (const TableRow& r : t.tasks) rows.push_back(&r);
  for (const TableRow* row : rows) {
    std::vector<LineSeries> lines;
    for (const auto& [name, cols] : series) {
      LineSeries l{name, run_color(cols.front()), {}};
      for (size_t c : cols)
        if (row->cells[c].value)
          l.points.emplace_back(static_cast<double>(*runs[c].run.spec.training_step), *row->cells[c].value);
      lines.push_back(std::move(l));
    }
    s += svg_line_chart(row->name, lines);
  }
  return s + "</div>";
}

std::string changes_section(const RunDiff& d) {
  std::string s = fmt::format(
      "<h2 id=\"changes\">Per-example changes</h2><p class=\"note\">A = {}, B = {}. Examples whose score differs "
      "between the runs; responses are excerpts of the stored JSON.</p>",
      html_escape(d.title_a), html_escape(d.title_b));
  for (const TaskChanges& t : d.tasks) {
    s += fmt::format(
        "<details><summary><strong>{}</strong>: {} paired, <span class=\"better\">{} better in B</span>, "
        "<span class=\"worse\">{} worse in B</span></summary>",
        html_escape(t.label), t.paired, t.better, t.worse);
    if (!t.shown.empty()) {
      s += "<table class=\"changes\"><thead><tr><th>example</th><th>prompt hash</th><th>A</th><th>B</th>"
           "<th>A response</th><th>B response</th></tr></thead><tbody>";
      for (const ExampleChange& c : t.shown)
        s += fmt::format(
            "<tr class=\"{}\"><td class=\"num\">{}</td><td><code>{}</code></td><td class=\"num\">{}</td>"
            "<td class=\"num\">{}</td><td class=\"resp\">{}</td><td class=\"resp\">{}</td></tr>",
            c.score_b > c.score_a ? "better" : "worse", c.index, html_escape(c.prompt_hash.substr(0, 12)),
            format_number(c.score_a), format_number(c.score_b), html_escape(c.response_a), html_escape(c.response_b));
      s += "</tbody></table>";
      if (static_cast<int64_t>(t.shown.size()) < t.better + t.worse)
        s += fmt::format("<p class=\"note\">First {} of {} changed examples shown.</p>", t.shown.size(),
                         t.better + t.worse);
    }
    s += "</details>";
  }
  return s;
}

}  // namespace

std::string render_html(const HtmlReportInput& in) {
  ComparisonTable t = build_comparison_table(in.runs);
  const BuildInfo& b = build_info();
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                  "<title>mpt-eval report</title><style>";
  s += kReportCss;
  s += "</style></head><body><h1>mpt-eval report</h1>";
  s += fmt::format("<p class=\"meta\">{} run(s) from <code>{}</code>; made by mpt-eval {} (git {}).</p>", in.runs.size(),
                   html_escape(in.source), html_escape(b.version), html_escape(b.git_revision));
  s += "<nav><a href=\"#runs\">Runs</a><a href=\"#tasks\">Tasks</a>";
  if (!t.categories.empty()) s += "<a href=\"#gauntlet\">Gauntlet</a>";
  s += "<a href=\"#charts\">Charts</a>";
  if (in.diff) s += "<a href=\"#changes\">Per-example changes</a>";
  s += "</nav><h2 id=\"runs\">Runs</h2>" + runs_table(in.runs);
  s += "<h2 id=\"tasks\">Tasks</h2><p class=\"note\">Primary metric in percent ± standard error. "
       "<span class=\"partial\">*</span> = not every example was evaluated. Click a header to sort.</p>";
  s += score_table("tasks-table", "task", t, t.tasks);
  if (!t.categories.empty()) {
    s += "<h2 id=\"gauntlet\">Eval gauntlet</h2><p class=\"note\">Category scores in percent; "
         "<span class=\"partial\">*</span> = partial (some tasks of the category missing).</p>";
    s += score_table("gauntlet-table", "category", t, t.categories);
  }
  s += "<h2 id=\"charts\">Charts</h2>";
  if (!t.categories.empty()) s += "<h3>Gauntlet categories</h3>" + bar_charts(t, t.categories);
  s += "<h3>Tasks</h3>" + bar_charts(t, t.tasks);
  s += trend_charts(in.runs, t);
  if (in.diff) s += changes_section(*in.diff);
  s += "<script>";
  s += kReportJs;
  return s + "</script></body></html>\n";
}

}  // namespace mpt::reports
