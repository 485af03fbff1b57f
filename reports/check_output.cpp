// JUnit XML and Markdown renderings of a CheckResult (declared in regression_check.h).
#include <fmt/format.h>

#include <cmath>

#include "reports/format.h"
#include "reports/regression_check.h"

namespace mpt::reports {
namespace {

std::string numbers_line(const TaskVerdict& t) {
  if (!t.comparison) return t.reason;
  const TaskComparison& c = *t.comparison;
  std::string s = fmt::format("{}: baseline {}, candidate {}", c.metric, format_score(c.value_a, c.stderr_a),
                              format_score(c.value_b, c.stderr_b));
  if (c.delta) s += ", change " + format_delta_points(*c.delta) + " points";
  if (c.ci) s += ", CI " + format_interval_points(*c.ci);
  s += fmt::format(", test {} p {}", to_string(c.test), format_p(c.p_value));
  if (c.test == TestKind::McNemar)
    s += fmt::format(" (paired {}, right only in baseline {}, only in candidate {})", c.paired, c.a_only_right,
                     c.b_only_right);
  if (!c.note.empty()) s += "; " + c.note;
  return s;
}

}  // namespace

std::string render_junit(const CheckResult& r) {
  int failures = r.failures();
  std::string suite = "mpt-eval check: " + r.candidate_title + " vs baseline " + r.baseline_title;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"mpt-eval check\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n",
                     r.tasks.size(), failures);
  out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n",
                     html_escape(suite), r.tasks.size(), failures);
  out += fmt::format(
      "    <properties>\n      <property name=\"baseline\" value=\"{}\"/>\n      <property name=\"candidate\" "
      "value=\"{}\"/>\n      <property name=\"max_drop_points\" value=\"{}\"/>\n      <property name=\"alpha\" "
      "value=\"{}\"/>\n    </properties>\n",
      html_escape(r.baseline_source), html_escape(r.candidate_source), r.options.max_drop_points,
      r.options.compare.alpha);
  for (const TaskVerdict& t : r.tasks) {
    out += fmt::format("    <testcase classname=\"mpt-eval.check\" name=\"{}\" time=\"0\">\n", html_escape(t.label));
    if (t.verdict != Verdict::Pass)
      out += fmt::format("      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                         t.verdict == Verdict::Regression ? "regression" : "missing", html_escape(t.reason),
                         html_escape(numbers_line(t)));
    out += fmt::format("      <system-out>{}</system-out>\n", html_escape(t.reason + "\n" + numbers_line(t)));
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

std::string render_check_markdown(const CheckResult& r) {
  int failures = r.failures();
  std::string out = failures ? fmt::format("### mpt-eval check: {} task(s) regressed\n\n", failures)
                             : std::string("### mpt-eval check: no regression\n\n");
  out += fmt::format("Candidate **{}** vs baseline **{}**. A task fails when it drops by more than {} points "
                     "and the drop is significant (p < {}).\n\n",
                     markdown_cell(r.candidate_title), markdown_cell(r.baseline_title), r.options.max_drop_points,
                     r.options.compare.alpha);
  int confidence = static_cast<int>(std::lround((1.0 - r.options.compare.alpha) * 100));
  out += fmt::format("| task | baseline | candidate | change (points) | {}% CI | p | test | verdict |\n", confidence);
  out += "| --- | --: | --: | --: | --: | --: | --- | --- |\n";
  for (const TaskVerdict& t : r.tasks) {
    const TaskComparison* c = t.comparison ? &*t.comparison : nullptr;
    std::string verdict = t.verdict == Verdict::Pass ? "pass" : "**" + std::string(to_string(t.verdict)) + "**";
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", markdown_cell(t.label),
                       c ? format_score(c->value_a, c->stderr_a) : "—", c ? format_score(c->value_b, c->stderr_b) : "—",
                       c && c->delta ? format_delta_points(*c->delta) : "—",
                       c && c->ci ? format_interval_points(*c->ci) : "—", c ? format_p(c->p_value) : "—",
                       c ? to_string(c->test) : "—", verdict + (t.verdict == Verdict::Pass ? "" : ": " + markdown_cell(t.reason)));
  }
  if (!r.new_tasks.empty()) {
    out += "\nNew in the candidate (not checked):";
    for (const std::string& l : r.new_tasks) out += " `" + l + "`";
    out += "\n";
  }
  out += fmt::format("\n<sub>Scores in percent ± standard error. Paired tests on per-example scores: exact McNemar "
                     "(0/1 scores) or sign-flip permutation; {} bootstrap resamples, seed {}.</sub>\n",
                     r.options.compare.resamples, r.options.compare.seed);
  return out;
}

}  // namespace mpt::reports
