#include "reports/json_export.h"

#include "common/build_info.h"
#include "common/error.h"
#include "common/jsonl.h"
#include "common/utf8_check.h"

namespace mpt::reports {
namespace {

using nlohmann::json;
constexpr const char* kFormat = "mpt-eval-results";
constexpr int kFormatVersion = 1;

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json task_to_json(const results::TaskSnapshot& t) {
  json metrics = json::array();
  for (const results::MetricRecord& m : t.metrics)
    metrics.push_back({{"name", m.name}, {"value", m.value}, {"stderr", opt(m.std_error)}, {"count", m.count}});
  const results::TaskSpec& s = t.info.spec;
  return {{"label", s.label},         {"type", s.type},
          {"primary_metric", s.primary_metric}, {"data_hash", s.data_hash},
          {"num_examples", s.num_examples},     {"settings", s.settings},
          {"metrics", metrics},                 {"examples", {{"index", t.examples.index}, {"score", t.examples.score}}}};
}

double require_number(const json& obj, const std::string& key, const std::string& where) {
  const json& v = require_key(obj, key, where);
  if (!v.is_number()) throw input_error("key '" + key + "' is not a number", where, "a number", describe_json(v));
  return v.get<double>();
}

std::optional<double> optional_number(const json& obj, const std::string& key, const std::string& where) {
  if (!obj.contains(key) || obj[key].is_null()) return std::nullopt;
  return require_number(obj, key, where);
}

std::string optional_string(const json& obj, const std::string& key, const std::string& where) {
  return obj.contains(key) && !obj[key].is_null() ? require_string(obj, key, where) : std::string();
}

const json& require_array(const json& obj, const std::string& key, const std::string& where) {
  const json& v = require_key(obj, key, where);
  if (!v.is_array()) throw input_error("key '" + key + "' is not an array", where, "an array", describe_json(v));
  return v;
}

results::TaskSnapshot task_from_json(const json& j, int64_t run_id, const std::string& where) {
  results::TaskSnapshot t;
  t.info.run_id = run_id;
  results::TaskSpec& s = t.info.spec;
  s.label = require_string(j, "label", where);
  s.type = optional_string(j, "type", where);
  s.primary_metric = require_string(j, "primary_metric", where);
  s.data_hash = optional_string(j, "data_hash", where);
  s.num_examples = j.contains("num_examples") ? require_int(j, "num_examples", where) : 0;
  if (j.contains("settings")) s.settings = j["settings"];
  const json& metrics = require_array(j, "metrics", where);
  for (size_t i = 0; i < metrics.size(); ++i) {
    std::string w = where + ".metrics[" + std::to_string(i) + "]";
    t.metrics.push_back({require_string(metrics[i], "name", w), require_number(metrics[i], "value", w),
                         optional_number(metrics[i], "stderr", w),
                         metrics[i].contains("count") ? require_int(metrics[i], "count", w) : 0});
  }
  if (j.contains("examples")) {
    std::string w = where + ".examples";
    const json& idx = require_array(j["examples"], "index", w);
    const json& score = require_array(j["examples"], "score", w);
    if (idx.size() != score.size())
      throw input_error("examples.index and examples.score differ in length", w, std::to_string(idx.size()) + " scores",
                        std::to_string(score.size()));
    for (size_t i = 0; i < idx.size(); ++i) {
      if (!idx[i].is_number_integer() || !score[i].is_number())
        throw input_error("bad example entry", w + "[" + std::to_string(i) + "]", "an integer index and a number score",
                          describe_json(idx[i]) + ", " + describe_json(score[i]));
      if (i > 0 && idx[i].get<int64_t>() <= t.examples.index.back())
        throw input_error("example indices not ascending", w + ".index[" + std::to_string(i) + "]",
                          "ascending unique indices", std::to_string(idx[i].get<int64_t>()));
      t.examples.index.push_back(idx[i].get<int64_t>());
      t.examples.score.push_back(score[i].get<double>());
    }
  }
  t.info.stored_examples = static_cast<int64_t>(t.examples.index.size());
  return t;
}

results::RunSnapshot run_from_json(const json& j, const std::string& file, const std::string& where) {
  results::RunSnapshot r;
  results::RunInfo& info = r.run;
  info.id = require_int(j, "id", where);
  info.spec.label = optional_string(j, "label", where);
  info.status = results::run_status_from_string(require_string(j, "status", where));
  info.spec.model_path = optional_string(j, "model_path", where);
  info.spec.model_hash = optional_string(j, "model_hash", where);
  info.spec.tokenizer_hash = optional_string(j, "tokenizer_hash", where);
  info.identity_hash = optional_string(j, "identity_hash", where);
  info.spec.task_config = optional_string(j, "task_config", where);
  info.task_config_hash = optional_string(j, "task_config_hash", where);
  info.spec.gauntlet_config = optional_string(j, "gauntlet_config", where);
  info.gauntlet_config_hash = optional_string(j, "gauntlet_config_hash", where);
  info.spec.data_hash = optional_string(j, "data_hash", where);
  info.harness_version = optional_string(j, "harness_version", where);
  info.git_revision = optional_string(j, "git_revision", where);
  info.spec.device = optional_string(j, "device", where);
  info.spec.device_class = optional_string(j, "device_class", where);
  info.spec.dtype = optional_string(j, "dtype", where);
  info.spec.world_size = j.contains("world_size") ? require_int(j, "world_size", where) : 1;
  if (j.contains("training_step") && !j["training_step"].is_null())
    info.spec.training_step = require_int(j, "training_step", where);
  info.started_at = optional_string(j, "started_at", where);
  if (std::string e = optional_string(j, "ended_at", where); !e.empty()) info.ended_at = e;
  const json& tasks = require_array(j, "tasks", where);
  for (size_t i = 0; i < tasks.size(); ++i)
    r.tasks.push_back(task_from_json(tasks[i], info.id, where + ".tasks[" + std::to_string(i) + "]"));
  if (j.contains("gauntlet")) {
    const json& g = require_array(j, "gauntlet", where);
    for (size_t i = 0; i < g.size(); ++i) {
      std::string w = where + ".gauntlet[" + std::to_string(i) + "]";
      r.gauntlet.push_back({require_string(g[i], "category", w), require_number(g[i], "score", w),
                            g[i].value("partial", false)});
    }
  }
  r.source = file + " (run " + std::to_string(info.id) + ")";
  return r;
}

}  // namespace

json run_to_json(const results::RunSnapshot& s) {
  const results::RunInfo& r = s.run;
  json tasks = json::array();
  for (const results::TaskSnapshot& t : s.tasks) tasks.push_back(task_to_json(t));
  json gauntlet = json::array();
  for (const results::GauntletRecord& g : s.gauntlet)
    gauntlet.push_back({{"category", g.category}, {"score", g.score}, {"partial", g.partial}});
  return {{"id", r.id},
          {"label", r.spec.label},
          {"status", results::to_string(r.status)},
          {"model_path", r.spec.model_path},
          {"model_hash", r.spec.model_hash},
          {"tokenizer_hash", r.spec.tokenizer_hash},
          {"identity_hash", r.identity_hash},
          {"task_config", r.spec.task_config},
          {"task_config_hash", r.task_config_hash},
          {"gauntlet_config", r.spec.gauntlet_config},
          {"gauntlet_config_hash", r.gauntlet_config_hash},
          {"data_hash", r.spec.data_hash},
          {"harness_version", r.harness_version},
          {"git_revision", r.git_revision},
          {"device", r.spec.device},
          {"device_class", r.spec.device_class},
          {"dtype", r.spec.dtype},
          {"world_size", r.spec.world_size},
          {"training_step", r.spec.training_step ? json(*r.spec.training_step) : json(nullptr)},
          {"started_at", r.started_at},
          {"ended_at", r.ended_at ? json(*r.ended_at) : json(nullptr)},
          {"tasks", tasks},
          {"gauntlet", gauntlet}};
}

std::string export_json(const std::vector<results::RunSnapshot>& runs) {
  const BuildInfo& b = build_info();
  json doc = {{"format", kFormat},
              {"format_version", kFormatVersion},
              {"generated_by", "mpt-eval " + b.version + " (git " + b.git_revision + ")"},
              {"runs", json::array()}};
  for (const results::RunSnapshot& r : runs) doc["runs"].push_back(run_to_json(r));
  return dump_json(doc, 1) + "\n";  // stores from before UTF-8 checks may hold bad bytes
}

std::vector<results::RunSnapshot> parse_export(const std::string& text, const std::string& where) {
  json doc = parse_json(text, where);
  if (!doc.is_object() || doc.value("format", std::string()) != kFormat)
    throw input_error("not an mpt-eval results export", where, "a JSON object with \"format\": \"" + std::string(kFormat) + "\"",
                      describe_json(doc.is_object() && doc.contains("format") ? doc["format"] : doc));
  int64_t version = require_int(doc, "format_version", where);
  if (version > kFormatVersion)
    throw input_error("results export has a newer format", where,
                      "format_version " + std::to_string(kFormatVersion) + " or older", std::to_string(version));
  const json& runs = require_array(doc, "runs", where);
  std::vector<results::RunSnapshot> out;
  for (size_t i = 0; i < runs.size(); ++i)
    out.push_back(run_from_json(runs[i], where, where + ": runs[" + std::to_string(i) + "]"));
  return out;
}

results::RunSnapshot read_single_run_file(const std::string& path) {
  std::vector<results::RunSnapshot> runs = parse_export(read_file(path), path);
  if (runs.size() != 1)
    throw input_error("results file must hold exactly one run", path,
                      "one run (export it with 'mpt-eval report --runs ID --format json')",
                      std::to_string(runs.size()) + " runs");
  return std::move(runs.front());
}

}  // namespace mpt::reports
