#include "reports/compare_output.h"

#include <fmt/format.h>

#include <cmath>

#include "reports/format.h"

namespace mpt::reports {
namespace {

int confidence_percent(const CompareOptions& o) { return static_cast<int>(std::lround((1.0 - o.alpha) * 100)); }

// "3, 17, 25 (+4 more)" for the flips in one direction.
std::string flip_list(const TaskComparison& t, bool better, size_t max_flips) {
  std::string s;
  size_t shown = 0, total = 0;
  for (const Flip& f : t.flips) {
    if ((f.score_b > f.score_a) != better) continue;
    ++total;
    if (shown < max_flips) s += (shown++ ? ", " : "") + std::to_string(f.index);
  }
  if (total == 0) return "none";
  if (total > shown) s += fmt::format(" (+{} more)", total - shown);
  return s;
}

std::string flip_counts(const TaskComparison& t) {
  size_t better = 0;
  for (const Flip& f : t.flips) better += f.score_b > f.score_a;
  return fmt::format("+{}/-{}", better, t.flips.size() - better);
}

std::string ci_text(const TaskComparison& t) { return t.ci ? format_interval_points(*t.ci) : "—"; }
std::string delta_text(const TaskComparison& t) { return t.delta ? format_delta_points(*t.delta) : "—"; }

}  // namespace

std::string render_compare_text(const RunComparison& c, const CompareOptions& o, size_t max_flips) {
  std::string out = fmt::format("A: {}\nB: {}\nScores in percent ± standard error; change = B - A in points.\n\n",
                                c.title_a, c.title_b);
  size_t w = 4;
  for (const TaskComparison& t : c.tasks) w = std::max(w, t.label.size());
  out += fmt::format("{:<{}}  {:>13}  {:>13}  {:>7}  {:>16}  {:>8}  {:<9}  {}\n", "task", w, "A", "B", "change",
                     fmt::format("{}% CI", confidence_percent(o)), "p", "test", "flips");
  for (const TaskComparison& t : c.tasks)
    out += fmt::format("{:<{}}  {:>13}  {:>13}  {:>7}  {:>16}  {:>8}  {:<9}  {}\n", t.label, w,
                       format_score(t.value_a, t.stderr_a), format_score(t.value_b, t.stderr_b), delta_text(t),
                       ci_text(t), format_p(t.p_value), to_string(t.test), flip_counts(t));
  bool any_flips = false;
  for (const TaskComparison& t : c.tasks) any_flips = any_flips || !t.flips.empty();
  if (any_flips) {
    out += "\nFlipped examples (example indices):\n";
    for (const TaskComparison& t : c.tasks) {
      if (t.flips.empty()) continue;
      out += fmt::format("  {}\n    better in B: {}\n    worse in B:  {}\n", t.label, flip_list(t, true, max_flips),
                         flip_list(t, false, max_flips));
    }
  }
  for (const TaskComparison& t : c.tasks)
    if (!t.note.empty()) out += fmt::format("note: {}: {}\n", t.label, t.note);
  for (const std::string& l : c.only_in_a) out += fmt::format("only in A: {}\n", l);
  for (const std::string& l : c.only_in_b) out += fmt::format("only in B: {}\n", l);
  return out;
}

std::string render_compare_markdown(const RunComparison& c, const CompareOptions& o, size_t max_flips) {
  std::string out = fmt::format("**A** {} vs **B** {} (scores in percent ± standard error)\n\n",
                                markdown_cell(c.title_a), markdown_cell(c.title_b));
  out += fmt::format("| task | A | B | change | {}% CI | p | test | better in B | worse in B |\n", confidence_percent(o));
  out += "| --- | --: | --: | --: | --: | --: | --- | --- | --- |\n";
  for (const TaskComparison& t : c.tasks)
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", markdown_cell(t.label),
                       format_score(t.value_a, t.stderr_a), format_score(t.value_b, t.stderr_b), delta_text(t),
                       ci_text(t), format_p(t.p_value), to_string(t.test), flip_list(t, true, max_flips),
                       flip_list(t, false, max_flips));
  for (const std::string& l : c.only_in_a) out += "\nOnly in A: `" + l + "`";
  for (const std::string& l : c.only_in_b) out += "\nOnly in B: `" + l + "`";
  return out + "\n";
}

nlohmann::json compare_to_json(const RunComparison& c, const CompareOptions& o) {
  using nlohmann::json;
  auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
  json tasks = json::array();
  for (const TaskComparison& t : c.tasks) {
    json flips = json::array();
    for (const Flip& f : t.flips) flips.push_back({{"index", f.index}, {"a", f.score_a}, {"b", f.score_b}});
    tasks.push_back({{"label", t.label},
                     {"metric", t.metric},
                     {"value_a", opt(t.value_a)},
                     {"value_b", opt(t.value_b)},
                     {"stderr_a", opt(t.stderr_a)},
                     {"stderr_b", opt(t.stderr_b)},
                     {"delta", opt(t.delta)},
                     {"paired", t.paired},
                     {"a_only_right", t.a_only_right},
                     {"b_only_right", t.b_only_right},
                     {"test", to_string(t.test)},
                     {"p_value", opt(t.p_value)},
                     {"ci", t.ci ? json::array({t.ci->low, t.ci->high}) : json(nullptr)},
                     {"note", t.note},
                     {"flips", flips}});
  }
  return {{"a", c.title_a},
          {"b", c.title_b},
          {"alpha", o.alpha},
          {"resamples", o.resamples},
          {"seed", o.seed},
          {"tasks", tasks},
          {"only_in_a", c.only_in_a},
          {"only_in_b", c.only_in_b}};
}

}  // namespace mpt::reports
