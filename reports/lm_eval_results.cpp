#include "reports/lm_eval_results.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <tuple>

#include "common/error.h"
#include "reports/lm_eval_samples.h"
#include "reports/python_text.h"

namespace mpt::reports {
namespace {

using nlohmann::json;
using ojson = nlohmann::ordered_json;

// Seconds since the epoch of an ISO-8601 UTC time as the store writes it ("2026-11-26T16:20:00.123Z").
double epoch_seconds(const std::string& iso) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double s = 0;
  if (std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%lf", &y, &mo, &d, &h, &mi, &s) != 6)
    throw runtime_error("stored time is not ISO-8601", "runs table", "YYYY-MM-DDTHH:MM:SS.sssZ", iso);
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = 0;
  return static_cast<double>(timegm(&tm)) + s;
}

int metric_rank(const std::string& name) {
  if (name == "acc") return 0;
  if (name == "acc_norm") return 1;
  if (name == "exact_match") return 2;
  if (name.rfind("pass@", 0) == 0) return 3;
  return 4;
}

// The task's metrics under lm-eval's names, lm-eval's first (pass@k by k), LLM Foundry's "accuracy" last.
std::vector<std::pair<std::string, const results::MetricRecord*>> named_metrics(
    const results::TaskInfo& task, const std::vector<results::MetricRecord>& metrics) {
  std::vector<std::pair<std::string, const results::MetricRecord*>> out;
  for (const results::MetricRecord& m : metrics) out.emplace_back(lm_eval_metric_name(task.spec.type, m.name), &m);
  auto key = [](const std::string& n) {
    int64_t k = 0;
    if (n.rfind("pass@", 0) == 0) k = std::atoll(n.c_str() + 5);
    return std::make_tuple(metric_rank(n), k, n);
  };
  std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) { return key(a.first) < key(b.first); });
  return out;
}

ojson task_config(const std::string& name, const results::TaskInfo& task,
                  const std::vector<std::pair<std::string, const results::MetricRecord*>>& metrics) {
  const json& s = task.spec.settings;
  auto setting = [&](const char* key, json fallback) { return s.contains(key) ? s[key] : fallback; };
  ojson c = ojson::object();
  c["task"] = name;
  c["dataset_path"] = setting("dataset_uri", nullptr);
  c["test_split"] = "test";
  c["description"] = setting("prompt_string", "");
  c["target_delimiter"] = setting("continuation_delimiter", nullptr);
  c["fewshot_delimiter"] = setting("example_delimiter", nullptr);
  c["num_fewshot"] = setting("num_fewshot", 0);
  c["metric_list"] = ojson::array();
  for (const auto& [metric, record] : metrics)
    c["metric_list"].push_back(ojson{{"metric", metric}, {"aggregation", "mean"}, {"higher_is_better", true}});
  c["output_type"] = lm_eval_output_type(task.spec.type);
  if (c["output_type"] == "generate_until" && s.contains("generation_kwargs"))
    c["generation_kwargs"] = ojson::parse(s["generation_kwargs"].dump());
  c["repeats"] = s.contains("generations_per_sample") ? s["generations_per_sample"] : json(1);
  c["should_decontaminate"] = false;
  c["metadata"] = ojson{{"version", nullptr},
                        {"mpt_eval_label", task.spec.label},
                        {"icl_task_type", task.spec.type},
                        {"data_hash", task.spec.data_hash},
                        {"settings", ojson::parse(task.spec.settings.dump())}};
  return c;
}

}  // namespace

ojson results_document(const results::RunInfo& run, const std::string& model_dir, const std::vector<LmEvalTask>& tasks,
                       const std::vector<results::GauntletRecord>& gauntlet) {
  ojson res = ojson::object(), group_subtasks = ojson::object(), configs = ojson::object(), versions = ojson::object(),
        n_shot = ojson::object(), higher = ojson::object(), n_samples = ojson::object(), task_hashes = ojson::object();
  std::optional<int64_t> limit;
  for (const LmEvalTask& t : tasks) {
    const results::TaskInfo& task = t.info;
    const std::string& name = t.name;
    const auto metrics = named_metrics(task, t.metrics);
    ojson entry = ojson{{"name", name}, {"alias", task.spec.label}, {"sample_len", task.stored_examples}};
    for (const auto& [metric, m] : metrics) {
      entry[metric + ",none"] = m->value;
      entry[metric + "_stderr,none"] = m->std_error ? ojson(*m->std_error) : ojson("N/A");
    }
    res[name] = entry;
    group_subtasks[name] = ojson::array();
    configs[name] = task_config(name, task, metrics);
    versions[name] = nullptr;
    n_shot[name] = task.spec.settings.value("num_fewshot", 0);
    higher[name] = ojson::object();
    for (const auto& [metric, m] : metrics) higher[name][metric] = true;
    n_samples[name] = ojson{{"original", task.spec.num_examples}, {"effective", task.stored_examples}};
    const int64_t task_limit = task.spec.settings.value("limit", int64_t{-1});
    if (task_limit >= 0) limit = std::max(limit.value_or(0), task_limit);

    if (!t.task_hash.empty()) task_hashes[name] = t.task_hash;
  }

  ojson config = ojson::object();
  config["model"] = "mpt-eval";
  config["model_args"] = ojson{{"pretrained", run.spec.model_path}, {"dtype", run.spec.dtype}};
  config["model_dtype"] = "torch." + run.spec.dtype;
  config["model_revision"] = nullptr;
  config["model_sha"] = run.spec.model_hash;
  config["batch_size"] = nullptr;
  config["batch_sizes"] = ojson::array();
  config["device"] = run.spec.device;
  config["use_cache"] = nullptr;
  config["limit"] = limit ? ojson(*limit) : ojson(nullptr);
  config["bootstrap_iters"] = 0;
  config["gen_kwargs"] = nullptr;

  ojson gauntlet_scores = ojson::array();
  for (const results::GauntletRecord& g : gauntlet)
    gauntlet_scores.push_back(ojson{{"category", g.category}, {"score", g.score}, {"partial", g.partial}});

  ojson doc = ojson::object();
  doc["results"] = res;
  doc["group_subtasks"] = group_subtasks;
  doc["configs"] = configs;
  doc["versions"] = versions;
  doc["n-shot"] = n_shot;
  doc["higher_is_better"] = higher;
  doc["n-samples"] = n_samples;
  doc["config"] = config;
  doc["git_hash"] = run.git_revision;
  doc["date"] = epoch_seconds(run.started_at);
  doc["task_hashes"] = task_hashes;
  doc["model_source"] = "mpt-eval";
  doc["model_name"] = run.spec.model_path;
  doc["model_name_sanitized"] = model_dir;
  doc["system_instruction"] = nullptr;
  doc["system_instruction_sha"] = nullptr;
  doc["fewshot_as_multiturn"] = false;
  doc["chat_template"] = nullptr;
  doc["chat_template_sha"] = nullptr;
  if (run.ended_at)
    doc["total_evaluation_time_seconds"] =
        python_float_str(epoch_seconds(*run.ended_at) - epoch_seconds(run.started_at));
  doc["mpt_eval"] = ojson{{"run_id", run.id},
                          {"label", run.spec.label},
                          {"status", results::to_string(run.status)},
                          {"identity_hash", run.identity_hash},
                          {"harness_version", run.harness_version},
                          {"tokenizer_hash", run.spec.tokenizer_hash},
                          {"data_hash", run.spec.data_hash},
                          {"device_class", run.spec.device_class},
                          {"world_size", run.spec.world_size},
                          {"training_step", run.spec.training_step ? ojson(*run.spec.training_step) : ojson(nullptr)},
                          {"started_at", run.started_at},
                          {"ended_at", run.ended_at ? ojson(*run.ended_at) : ojson(nullptr)},
                          {"gauntlet", gauntlet_scores}};
  return doc;
}

}  // namespace mpt::reports
