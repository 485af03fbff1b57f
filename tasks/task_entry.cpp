#include "tasks/task_entry.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/error.h"
#include "tasks/task_kind.h"

namespace mpt {
namespace {

const std::set<std::string> kCommonKeys = {
    "label", "dataset_uri", "icl_task_type", "num_fewshot", "prompt_string", "example_delimiter",
    "continuation_delimiter", "prelimiter", "question_prelimiter", "fewshot_random_seed", "strip_dataset",
    "max_seq_len", "batch_size", "has_categories", "metric_names", "generation_kwargs"};
// Keys LLM Foundry knows that mpt-eval deliberately does not implement, with the reason.
const std::map<std::string, std::string> kUnsupportedKeys = {
    {"hf_loading_vars", "Hugging Face dataset loading is not supported; use a local .jsonl file"},
    {"hf_parsing_map", "Hugging Face dataset loading is not supported; use a local .jsonl file"},
    {"context_key", "custom column names are not supported; use LLM Foundry's default keys"},
    {"answer_key", "custom column names are not supported; use LLM Foundry's default keys"},
    {"choices_key", "custom column names are not supported; use LLM Foundry's default keys"},
    {"padding_size", "padding is the runner's concern; set max_seq_len instead"},
    {"num_beams", "num_beams is no longer supported as a top level icl_task parameter; "
                  "use generation_kwargs.num_beams instead (LLM Foundry's message)"},
};

template <typename T>
void set_if(std::optional<T> v, T& out) {
  if (v) out = std::move(*v);
}

void check_keys(const YamlMap& e, const TaskKind& kind) {
  const std::vector<std::string> own = kind.own_keys();
  for (const std::string& key : e.keys()) {
    if (auto it = kUnsupportedKeys.find(key); it != kUnsupportedKeys.end())
      throw input_error("unsupported key '" + key + "'", e.where(key), "", it->second);
    if (kCommonKeys.count(key) || std::find(own.begin(), own.end(), key) != own.end()) continue;
    if (const TaskKind* owner = task_kind_owning_key(key))
      throw input_error("key '" + key + "' does not apply to this task type", e.where(key),
                        std::string("it only with icl_task_type ") + owner->name(), kind.name());
    std::string known;
    for (const auto& k : kCommonKeys) known += (known.empty() ? "" : ", ") + k;
    throw input_error("unknown key '" + key + "'", e.where(key), "one of " + known + " (and the type's own keys)",
                      "'" + key + "'");
  }
}

std::string require_string(const YamlMap& e, const std::string& key) {
  auto v = e.get_string(key);
  if (!v) throw input_error("missing key '" + key + "'", e.where(key), "key '" + key + "'", "no such key");
  return *v;
}

}  // namespace

GenerationSettings parse_generation_kwargs(const YamlMap& e, GenerationSettings g) {
  if (!e.has("generation_kwargs")) return g;
  YamlMap kw(e.get("generation_kwargs"), e.file(), "generation_kwargs of " + e.where("generation_kwargs"));
  for (const std::string& key : kw.keys()) {
    if (key == "do_sample") g.do_sample = *kw.get_bool(key);
    else if (key == "temperature") g.temperature = *kw.get_number(key);
    else if (key == "top_p") g.top_p = *kw.get_number(key);
    else if (key == "top_k") g.top_k = static_cast<int32_t>(*kw.get_int(key));
    else if (key == "max_new_tokens") g.max_new_tokens = static_cast<int32_t>(*kw.get_int(key));
    else if (key == "seed") g.seed = static_cast<uint64_t>(*kw.get_int(key));
    else if (key == "use_cache") kw.get_bool(key);  // a speed switch; the runner always caches
    else if (key == "num_beams") {
      if (*kw.get_int(key) != 1)
        throw input_error("beam search is not supported", kw.where(key), "num_beams: 1", std::to_string(*kw.get_int(key)));
    } else {
      throw input_error("unsupported generation_kwargs key '" + key + "'", kw.where(key),
                        "do_sample, temperature, top_p, top_k, max_new_tokens, num_beams (1), use_cache or seed",
                        "'" + key + "'");
    }
  }
  if (g.temperature < 0 || g.top_p <= 0 || g.top_p > 1 || g.top_k < 0 || (g.max_new_tokens && *g.max_new_tokens < 1))
    throw input_error("generation_kwargs out of range", e.where("generation_kwargs"),
                      "temperature >= 0, 0 < top_p <= 1, top_k >= 0, max_new_tokens >= 1", "other values");
  return g;
}

TaskConfig parse_task_entry(const YamlMap& e, const std::string& data_root) {
  TaskConfig t;
  t.source_file = e.file();
  t.where = e.location();
  t.label = require_string(e, "label");
  std::string type_name = require_string(e, "icl_task_type");
  const TaskKind* kind = find_task_kind(type_name);
  if (!kind) throw input_error("unknown icl_task_type", e.where("icl_task_type"), task_kind_names(), "'" + type_name + "'");
  t.kind = kind;
  t.type = kind->tag();
  check_keys(e, *kind);

  t.dataset_uri = require_string(e, "dataset_uri");
  ResolvedDataPath p = resolve_dataset_uri(t.dataset_uri, data_root, e.where("dataset_uri"));
  t.dataset_path = p.path;
  t.dataset_paths_tried = p.tried;
  t.dataset_file = p.relative;
  auto shots = e.get_int_list("num_fewshot");
  if (!shots) throw input_error("missing key 'num_fewshot'", e.where("num_fewshot"), "a list such as [0] or [3, 25]", "no such key");
  if (shots->empty()) throw input_error("empty num_fewshot", e.where("num_fewshot"), "at least one value", "[]");
  for (size_t i = 0; i < shots->size(); ++i) {
    if ((*shots)[i] < 0)
      throw input_error("negative num_fewshot", e.where("num_fewshot"), "integers >= 0", std::to_string((*shots)[i]));
    if (std::find(shots->begin(), shots->begin() + static_cast<long>(i), (*shots)[i]) != shots->begin() + static_cast<long>(i))
      throw input_error("duplicate num_fewshot value", e.where("num_fewshot"), "distinct values",
                        std::to_string((*shots)[i]) + " twice");
  }
  t.num_fewshot = *shots;

  set_if(e.get_string("prompt_string"), t.prompt_string);
  set_if(e.get_string("example_delimiter"), t.example_delimiter);
  set_if(e.get_string("continuation_delimiter"), t.continuation_delimiter);
  if (e.has("prelimiter") && e.has("question_prelimiter"))
    throw input_error("both prelimiter and question_prelimiter are set", e.where("question_prelimiter"),
                      "only one of them (they map to the same argument)", "both");
  set_if(e.get_string("prelimiter"), t.prelimiter);
  set_if(e.get_string("question_prelimiter"), t.prelimiter);
  set_if(e.get_int("fewshot_random_seed"), t.fewshot_random_seed);
  set_if(e.get_bool("strip_dataset"), t.strip_dataset);
  t.max_seq_len = e.get_int("max_seq_len");
  t.batch_size = e.get_int("batch_size");
  if ((t.max_seq_len && *t.max_seq_len < 1) || (t.batch_size && *t.batch_size < 1))
    throw input_error("max_seq_len and batch_size must be positive", e.where(t.max_seq_len ? "max_seq_len" : "batch_size"),
                      "an integer >= 1", "a smaller value");
  set_if(e.get_bool("has_categories"), t.has_categories);

  const std::string metric = kind->metric_name();
  t.metric_names = e.get_string_list("metric_names").value_or(std::vector<std::string>{metric});
  for (const std::string& m : t.metric_names)
    if (m != metric)
      throw input_error("unsupported metric '" + m + "'", e.where("metric_names"),
                        metric + " (the " + std::string(kind->name()) + " metric mpt-eval implements)", m);

  kind->parse_entry(e, t);
  return t;
}

}  // namespace mpt
