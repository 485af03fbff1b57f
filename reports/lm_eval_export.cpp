#include "reports/lm_eval_export.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "common/error.h"
#include "common/jsonl.h"
#include "reports/lm_eval_samples.h"
#include "reports/python_text.h"
#include "results/store_queries.h"

namespace mpt::reports {
namespace {

namespace fs = std::filesystem;
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

std::string lm_eval_date_id(const std::string& iso) {
  std::string t = iso;
  if (!t.empty() && t.back() == 'Z') t.pop_back();
  std::string fraction;
  if (size_t dot = t.find('.'); dot != std::string::npos) {
    fraction = t.substr(dot + 1);
    t.resize(dot);
  }
  std::replace(t.begin(), t.end(), ':', '-');
  fraction.resize(6, '0');  // datetime.isoformat(): microseconds, left out when zero
  if (fraction != "000000") t += "." + fraction;
  return t;
}

std::string sanitize_model_name(const std::string& name) {
  static const std::string kSpecial = "\"<>:/|\\?*[]";
  std::string out;
  bool in_run = false;
  for (char ch : name) {
    if (kSpecial.find(ch) != std::string::npos) {
      if (!in_run) out += "__";
      in_run = true;
    } else {
      out += ch;
      in_run = false;
    }
  }
  return out;
}

std::vector<std::string> lm_eval_task_names(const std::vector<std::string>& labels) {
  auto clean = [](std::string s) {
    for (char& ch : s) {
      const bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                        ch == '-' || ch == '.';
      if (!keep) ch = '_';
    }
    return s;
  };
  // "<task>/<k>-shot[/<category>]" -> "<task>[/<category>]"
  auto without_shots = [](const std::string& label) {
    const size_t slash = label.find('/');
    if (slash == std::string::npos) return label;
    const size_t next = label.find('/', slash + 1);
    const std::string shots = label.substr(slash + 1, next == std::string::npos ? std::string::npos : next - slash - 1);
    if (shots.size() < 6 || shots.compare(shots.size() - 5, 5, "-shot") != 0) return label;
    return label.substr(0, slash) + (next == std::string::npos ? "" : label.substr(next));
  };
  std::map<std::string, int> uses;
  for (const std::string& l : labels) ++uses[clean(without_shots(l))];
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const std::string& l : labels) {
    std::string short_name = clean(without_shots(l));
    std::string name = uses[short_name] == 1 ? short_name : clean(l);
    if (!seen.insert(name).second)
      throw input_error("two tasks of the run get the same lm-eval task name", l, "distinct names", name);
    names.push_back(name);
  }
  return names;
}

std::vector<LmEvalFile> render_lm_eval(const results::Store& store, int64_t run_id) {
  const results::RunInfo run = results::get_run(store, run_id);
  const std::string date = lm_eval_date_id(run.ended_at.value_or(run.started_at));
  const std::string model_dir = sanitize_model_name(run.spec.model_path);
  const std::vector<results::TaskInfo> tasks = results::load_tasks(store, run_id);
  std::vector<std::string> labels;
  for (const results::TaskInfo& t : tasks) labels.push_back(t.spec.label);
  const std::vector<std::string> names = lm_eval_task_names(labels);

  ojson res = ojson::object(), group_subtasks = ojson::object(), configs = ojson::object(), versions = ojson::object(),
        n_shot = ojson::object(), higher = ojson::object(), n_samples = ojson::object(), task_hashes = ojson::object();
  std::vector<LmEvalFile> files;
  std::optional<int64_t> limit;
  for (size_t i = 0; i < tasks.size(); ++i) {
    const results::TaskInfo& task = tasks[i];
    const std::string& name = names[i];
    const std::vector<results::MetricRecord> records = results::load_metrics(store, task.id);
    const auto metrics = named_metrics(task, records);

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

    const std::vector<results::CodeSampleRecord> code = task.spec.type == "code_evaluation"
                                                            ? results::load_code_samples(store, task.id)
                                                            : std::vector<results::CodeSampleRecord>{};
    SampleRecords samples = sample_records(task, store.load_examples(task.id), code);
    if (!samples.task_hash.empty()) task_hashes[name] = samples.task_hash;
    std::string lines;
    for (const ojson& line : samples.lines)
      lines += python_json_line(line) + "\n";
    files.push_back({model_dir + "/samples_" + name + "_" + date + ".jsonl", std::move(lines)});
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

  ojson gauntlet = ojson::array();
  for (const results::GauntletRecord& g : results::load_gauntlet(store, run_id))
    gauntlet.push_back(ojson{{"category", g.category}, {"score", g.score}, {"partial", g.partial}});

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
                          {"gauntlet", gauntlet}};
  files.insert(files.begin(),
               {model_dir + "/results_" + date + ".json", python_json_indent2(doc)});
  return files;
}

void check_lm_eval_dir(const std::string& dir, const std::string& option) {
  std::error_code ec;
  const fs::path p(dir);
  if (fs::exists(p, ec)) {
    if (!fs::is_directory(p, ec))
      throw input_error("output path is not a directory", option + " " + dir, "a directory", "a file");
    return;
  }
  const fs::path parent = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::is_directory(parent, ec))
    throw input_error("output directory's parent does not exist", option + " " + dir, "an existing parent directory",
                      parent.string());
}

std::vector<std::string> write_lm_eval(const results::Store& store, const std::vector<int64_t>& run_ids,
                                       const std::string& dir) {
  check_lm_eval_dir(dir, "lm-eval output");
  std::vector<LmEvalFile> files;
  std::set<std::string> paths;
  for (int64_t id : run_ids)
    for (LmEvalFile& f : render_lm_eval(store, id)) {
      if (!paths.insert(f.path).second)
        throw input_error("two runs give the same lm-eval file (same model path and time)", dir, "distinct files",
                          f.path);
      files.push_back(std::move(f));
    }
  std::vector<std::string> written;
  for (const LmEvalFile& f : files) {
    const fs::path path = fs::path(dir) / f.path;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) throw runtime_error("cannot create the output directory", path.parent_path().string(), "", ec.message());
    write_file_atomic(path.string(), f.content);
    written.push_back(path.string());
  }
  return written;
}

}  // namespace mpt::reports
