#include "harness/run_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "common/score_text.h"

namespace mpt {
namespace {

using nlohmann::json;

// Column order: as order_metrics ranks names (accuracy, acc, acc_norm, pass@k, others).
std::vector<std::string> metric_columns(const RunOutcome& o) {
  std::vector<std::string> cols;
  for (const char* known : {"accuracy", "acc", "acc_norm"})
    for (const TaskOutcome& t : o.tasks)
      for (const MetricSummary& m : t.metrics)
        if (m.name == known && std::find(cols.begin(), cols.end(), m.name) == cols.end()) cols.push_back(m.name);
  for (const TaskOutcome& t : o.tasks)
    for (const MetricSummary& m : t.metrics)
      if (std::find(cols.begin(), cols.end(), m.name) == cols.end()) cols.push_back(m.name);
  return cols;
}

std::string cell(const TaskOutcome& t, const std::string& metric) {
  for (const MetricSummary& m : t.metrics)
    if (m.name == metric) return format_score(m.mean, m.stderr_mean);
  return "-";
}

std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      // Width in code points, so that "±" and "—" count once.
      size_t n = 0;
      for (unsigned char c : r[i]) n += (c & 0xc0) != 0x80;
      width[i] = std::max(width[i], n);
    }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      size_t n = 0;
      for (unsigned char c : r[i]) n += (c & 0xc0) != 0x80;
      std::string pad(width[i] - n, ' ');
      line += i == 0 ? r[i] + pad : "  " + pad + r[i];
    }
    out += line + "\n";
  }
  return out;
}

std::string percent(std::optional<double> v) { return v ? format_points(*v) : "-"; }

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string gauntlet_table(const GauntletResult& g) {
  std::vector<std::vector<std::string>> rows = {{"gauntlet", "score", "partial", "missing"}};
  for (const GauntletCategoryResult& c : g.categories)
    rows.push_back({c.name, percent(c.score), percent(c.partial_score),
                    c.complete() ? "" : fmt::format("{} of {} benchmarks", c.missing.size(), c.benchmarks.size())});
  for (const GauntletAverageResult& a : g.averages)
    rows.push_back({a.name, percent(a.score), a.complete() ? "" : percent(a.partial_score),
                    a.complete() ? "" : fmt::format("{} of {} categories", a.missing_categories.size(), a.categories.size())});
  return table(rows);
}

json metrics_json(const std::vector<MetricSummary>& metrics) {
  json out = json::array();
  for (const MetricSummary& m : metrics)
    out.push_back({{"name", m.name},
                   {"value", m.mean},
                   {"stderr", m.stderr_mean ? json(*m.stderr_mean) : json(nullptr)},
                   {"count", m.count}});
  return out;
}

json opt(std::optional<double> v) { return v ? json(*v) : json(nullptr); }

json gauntlet_json(const GauntletResult& g) {
  json cats = json::array(), avgs = json::array();
  for (const GauntletCategoryResult& c : g.categories) {
    json b = json::array();
    for (const GauntletBenchmarkResult& x : c.benchmarks)
      b.push_back({{"key", x.key}, {"raw", opt(x.raw)}, {"score", opt(x.score)}, {"weight", x.weight}});
    cats.push_back({{"name", c.name}, {"score", opt(c.score)}, {"partial_score", opt(c.partial_score)},
                    {"missing", c.missing}, {"benchmarks", b}});
  }
  for (const GauntletAverageResult& a : g.averages)
    avgs.push_back({{"name", a.name}, {"score", a.score}, {"partial_score", opt(a.partial_score)},
                    {"missing_categories", a.missing_categories}});
  return {{"categories", cats}, {"averages", avgs}};
}

}  // namespace

std::string format_run_table(const RunOutcome& o) {
  std::vector<std::string> cols = metric_columns(o);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"task", "examples"};
  header.insert(header.end(), cols.begin(), cols.end());
  rows.push_back(header);
  for (const TaskOutcome& t : o.tasks) {
    std::vector<std::string> r = {t.label, fmt::format("{}/{}", t.selected, t.num_examples)};
    for (const std::string& c : cols) r.push_back(cell(t, c));
    rows.push_back(std::move(r));
  }
  std::string out = "Scores in percent ± standard error; examples = evaluated/in the task.\n" + table(rows);
  for (const MissingTask& m : o.missing)
    out += fmt::format("missing (not evaluated): {} ({})\n", join(m.benchmark_keys), m.reason);
  if (o.gauntlet) out += "\nGauntlet (percent; a partial score averages only the benchmarks present):\n" + gauntlet_table(*o.gauntlet);
  const RunCounters& c = o.counters;
  out += fmt::format("\nrequests: {} log-likelihood ({} from the cache), {} generation ({} from the cache); {} computed\n",
                     c.loglikelihood_requests, c.loglikelihood_cached, c.generate_requests, c.generate_cached,
                     c.computed());
  if (c.programs_executed > 0 || !o.isolation.empty())
    out += fmt::format("code: {} program(s) run in the sandbox ({})\n", c.programs_executed, o.isolation);
  out += fmt::format("run {}{} in {}; wall time {:.1f} s\n", o.run_id, o.resumed ? " (resumed)" : "", o.db_path,
                     o.wall_seconds);
  return out;
}

json run_outcome_json(const RunOutcome& o) {
  json tasks = json::array();
  for (const TaskOutcome& t : o.tasks)
    tasks.push_back({{"label", t.label},
                     {"type", t.type},
                     {"primary_metric", t.primary_metric},
                     {"num_examples", t.num_examples},
                     {"selected", t.selected},
                     {"stored_before", t.stored_before},
                     {"evaluated", t.evaluated},
                     {"metrics", metrics_json(t.metrics)},
                     {"verdicts", t.verdicts}});
  json missing = json::array();
  for (const MissingTask& m : o.missing)
    for (const std::string& k : m.benchmark_keys) missing.push_back({{"label", k}, {"reason", m.reason}});
  const RunCounters& c = o.counters;
  return {{"format", "mpt-eval-run"},
          {"format_version", 1},
          {"run_id", o.run_id},
          {"db", o.db_path},
          {"resumed", o.resumed},
          {"wall_seconds", o.wall_seconds},
          {"tasks", tasks},
          {"missing", missing},
          {"gauntlet", o.gauntlet ? gauntlet_json(*o.gauntlet) : json(nullptr)},
          {"requests",
           {{"loglikelihood", c.loglikelihood_requests},
            {"loglikelihood_cached", c.loglikelihood_cached},
            {"generate", c.generate_requests},
            {"generate_cached", c.generate_cached},
            {"computed", c.computed()},
            {"programs_executed", c.programs_executed},
            {"infrastructure_errors", c.infrastructure_errors}}},
          {"isolation", o.isolation}};
}

}  // namespace mpt
