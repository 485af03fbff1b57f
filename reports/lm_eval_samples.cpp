#include "reports/lm_eval_samples.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "common/error.h"
#include "common/jsonl.h"
#include "reports/python_text.h"

namespace mpt::reports {
namespace {

using nlohmann::json;
using ojson = nlohmann::ordered_json;

bool is_generation(const std::string& type) { return type == "generation_task_with_answers"; }
bool is_code(const std::string& type) { return type == "code_evaluation"; }

// lm-eval lists its own metrics first; LLM Foundry's "accuracy" follows.
std::tuple<int, std::string> metric_order(const std::string& name) {
  if (name == "acc") return {0, ""};
  if (name == "acc_norm") return {1, ""};
  if (name == "exact_match") return {2, ""};
  if (name.rfind("pass@", 0) == 0) return {3, std::string(20 - std::min<size_t>(name.size(), 20), '0') + name};
  return {4, name};
}

// Reads the row's stored field, or fails naming the task and example (a row mpt-eval did not write).
template <typename T>
T field(const json& obj, const std::string& key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) throw runtime_error("stored example lacks '" + key + "'", where, "the fields mpt-eval writes", "no such key");
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    throw runtime_error("stored example has a bad '" + key + "'", where, "the fields mpt-eval writes", describe_json(*it));
  }
}

// The requests as (context, continuation) or (prompt, generation arguments) pairs.
std::vector<ojson> request_args(const results::TaskInfo& task, const json& prompt, const std::string& where) {
  const std::string& type = task.spec.type;
  const auto preamble = field<std::string>(prompt, "preamble", where);
  const auto contexts = field<std::vector<std::string>>(prompt, "contexts", where);
  const auto continuations = field<std::vector<std::string>>(prompt, "continuations", where);
  if (contexts.empty()) throw runtime_error("stored prompt has no context", where);
  std::vector<ojson> args;
  if (is_generation(type)) {
    ojson gen = ojson::object();
    gen["until"] = field<std::vector<std::string>>(prompt, "until", where);
    gen["max_gen_toks"] = field<int64_t>(prompt, "max_gen_toks", where);
    const json& settings = task.spec.settings;
    if (settings.contains("generation_kwargs") && settings["generation_kwargs"].is_object())
      for (const auto& [k, v] : settings["generation_kwargs"].items())
        if (k != "max_new_tokens") gen[k] = v;
    args.push_back(ojson::array({preamble + contexts[0], gen}));
  } else if (type == "schema") {
    if (continuations.empty()) throw runtime_error("stored prompt has no continuation", where);
    for (const std::string& c : contexts) args.push_back(ojson::array({preamble + c, continuations[0]}));
  } else {
    for (const std::string& c : continuations) args.push_back(ojson::array({preamble + contexts[0], c}));
  }
  return args;
}

// lm-eval's resps (per request: the repeats) and filtered_resps (per request: the first repeat).
void add_responses(const std::string& type, const json& response, size_t requests, const std::string& where,
                   ojson& resps, ojson& filtered) {
  resps = ojson::array();
  filtered = ojson::array();
  if (is_generation(type)) {
    const auto text = field<std::string>(response, "generated", where);
    resps.push_back(ojson::array({text}));
    filtered.push_back(text);
    return;
  }
  std::vector<double> logprobs;
  std::vector<ojson> greedy;  // "True"/"False"; "None" for rows stored before greedy flags were kept
  if (type == "language_modeling") {
    logprobs.push_back(field<double>(response, "logprob", where));
    greedy.push_back(python_bool_str(field<bool>(response, "greedy", where)));
  } else {
    logprobs = field<std::vector<double>>(response, "logprobs", where);
    if (response.contains("greedy")) {
      for (bool g : field<std::vector<bool>>(response, "greedy", where)) greedy.push_back(python_bool_str(g));
    }
    greedy.resize(logprobs.size(), "None");
  }
  if (requests != 0 && requests != logprobs.size())
    throw runtime_error("stored example has mismatched requests and log-likelihoods", where,
                        std::to_string(requests) + " log-likelihoods", std::to_string(logprobs.size()));
  for (size_t i = 0; i < logprobs.size(); ++i) {
    ojson pair = ojson::array({python_float_str(logprobs[i]), greedy[i]});
    resps.push_back(ojson::array({pair}));
    filtered.push_back(pair);
  }
}

std::string target_of(const std::string& type, const json& response, const json& doc, const std::string& where) {
  if (type == "language_modeling") return doc.is_object() ? field<std::string>(doc, "continuation", where) : "";
  if (is_generation(type)) return doc.is_object() ? field<std::string>(doc, "answer", where) : "";
  if (is_code(type)) return "";
  return std::to_string(field<int64_t>(response, "gold", where));
}

}  // namespace

std::string lm_eval_metric_name(const std::string& task_type, const std::string& metric) {
  if (is_generation(task_type) && metric == "accuracy") return "exact_match";
  return metric;
}

std::string lm_eval_output_type(const std::string& task_type) {
  if (task_type == "language_modeling") return "loglikelihood";
  if (is_generation(task_type) || is_code(task_type)) return "generate_until";
  return "multiple_choice";
}

SampleRecords sample_records(const results::TaskInfo& task, const std::vector<results::ExampleRecord>& examples,
                             const std::vector<results::CodeSampleRecord>& code_samples) {
  const std::string& type = task.spec.type;
  std::map<int64_t, std::vector<std::string>> completions;  // code: problem -> completions by sample
  for (const results::CodeSampleRecord& s : code_samples) completions[s.example_index].push_back(s.completion);

  SampleRecords out;
  std::string hashes;
  bool all_hashed = true;
  for (const results::ExampleRecord& ex : examples) {
    const std::string where = "task " + task.spec.label + ", example " + std::to_string(ex.example_index);
    const json& response = ex.response;
    ojson doc;
    if (response.contains("doc")) {
      doc = ojson::parse(response["doc"].dump());
    } else if (is_code(type) && response.contains("task_id")) {
      doc = ojson{{"task_id", response["task_id"]}};
    } else {
      doc = ojson{{"row", response.value("row", ex.example_index)}};  // rows stored before docs were kept
    }
    const std::string target = target_of(type, response, response.value("doc", json()), where);

    ojson arguments = ojson::object();
    std::vector<ojson> args;
    if (response.contains("prompt")) args = request_args(task, response["prompt"], where);
    for (size_t i = 0; i < args.size(); ++i) {
      ojson a = ojson::object();
      for (size_t j = 0; j < args[i].size(); ++j) a["arg_" + std::to_string(j)] = args[i][j];
      arguments["gen_args_" + std::to_string(i)] = a;
    }

    ojson resps, filtered;
    if (is_code(type)) {
      ojson all = ojson::array();
      for (const std::string& c : completions[ex.example_index]) all.push_back(c);
      resps = ojson::array({all});
      filtered = ojson::array({all});
    } else {
      add_responses(type, response, args.size(), where, resps, filtered);
    }

    std::vector<std::pair<std::string, double>> metrics;
    for (const auto& [name, value] : ex.metrics.items())
      if (value.is_number()) metrics.emplace_back(lm_eval_metric_name(type, name), value.get<double>());
    std::stable_sort(metrics.begin(), metrics.end(),
                     [](const auto& a, const auto& b) { return metric_order(a.first) < metric_order(b.first); });

    ojson line = ojson::object();
    line["doc_id"] = ex.example_index;
    line["doc"] = doc;
    line["target"] = target;
    line["arguments"] = arguments;
    line["resps"] = resps;
    line["filtered_resps"] = filtered;
    line["filter"] = "none";
    line["metrics"] = ojson::array();
    for (const auto& m : metrics) line["metrics"].push_back(m.first);
    if (!args.empty()) {
      const std::string doc_hash = hash_string(python_json_indent2(doc));
      const std::string prompt_hash = hash_string(args[0][0].get<std::string>());
      const std::string target_hash = hash_string(target);
      line["doc_hash"] = doc_hash;
      line["prompt_hash"] = prompt_hash;
      line["target_hash"] = target_hash;
      hashes += doc_hash + prompt_hash + target_hash;
    } else {
      all_hashed = false;
    }
    for (const auto& [name, value] : metrics) line[name] = value;
    out.lines.push_back(std::move(line));
  }
  if (all_hashed && !examples.empty()) out.task_hash = hash_string(hashes);
  return out;
}

}  // namespace mpt::reports
