#include "tasks/task_entry.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/error.h"
#include "tasks/answer_match.h"

namespace mpt {
namespace {

const std::set<std::string> kCommonKeys = {
    "label", "dataset_uri", "icl_task_type", "num_fewshot", "prompt_string", "example_delimiter",
    "continuation_delimiter", "prelimiter", "question_prelimiter", "fewshot_random_seed", "strip_dataset",
    "max_seq_len", "batch_size", "has_categories", "metric_names", "generation_kwargs"};
const std::set<std::string> kGenerationKeys = {"cot_delimiter", "early_stopping_criteria", "do_normalization"};
const std::set<std::string> kCodeKeys = {"generations_per_sample", "pass_at_k", "code_postprocess", "strip_prompt"};
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

const std::map<std::string, TaskType> kTaskTypes = {
    {"language_modeling", TaskType::LanguageModeling},
    {"multiple_choice", TaskType::MultipleChoice},
    {"schema", TaskType::Schema},
    {"generation_task_with_answers", TaskType::GenerationWithAnswers},
    {"question_answering", TaskType::GenerationWithAnswers},  // the name before LLM Foundry v0.5
    {"code_evaluation", TaskType::CodeEvaluation},
};

const char* default_metric(TaskType t) {
  switch (t) {
    case TaskType::LanguageModeling: return "InContextLearningLMAccuracy";
    case TaskType::MultipleChoice:
    case TaskType::Schema: return "InContextLearningMultipleChoiceAccuracy";
    case TaskType::GenerationWithAnswers: return "InContextLearningGenerationExactMatchAccuracy";
    case TaskType::CodeEvaluation: return "InContextLearningCodeEvalAccuracy";
  }
  return "";
}

template <typename T>
void set_if(std::optional<T> v, T& out) {
  if (v) out = std::move(*v);
}

void check_keys(const YamlMap& e, TaskType type) {
  for (const std::string& key : e.keys()) {
    if (auto it = kUnsupportedKeys.find(key); it != kUnsupportedKeys.end())
      throw input_error("unsupported key '" + key + "'", e.where(key), "", it->second);
    if (kCommonKeys.count(key)) continue;
    if (kGenerationKeys.count(key) && type == TaskType::GenerationWithAnswers) continue;
    if (kCodeKeys.count(key) && type == TaskType::CodeEvaluation) continue;
    if (kGenerationKeys.count(key))
      throw input_error("key '" + key + "' does not apply to this task type", e.where(key),
                        "it only with icl_task_type generation_task_with_answers", to_string(type));
    if (kCodeKeys.count(key))
      throw input_error("key '" + key + "' does not apply to this task type", e.where(key),
                        "it only with icl_task_type code_evaluation", to_string(type));
    std::string known;
    for (const auto& k : kCommonKeys) known += (known.empty() ? "" : ", ") + k;
    throw input_error("unknown key '" + key + "'", e.where(key), "one of " + known + " (and the type's own keys)",
                      "'" + key + "'");
  }
}

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

void parse_code_settings(const YamlMap& e, TaskConfig& t) {
  set_if(e.get_int("generations_per_sample"), t.code.generations_per_sample);
  set_if(e.get_int_list("pass_at_k"), t.code.pass_at_k);
  if (auto p = e.get_string("code_postprocess")) {
    // llm_foundry and human_eval (OpenAI's stop lines, the Codex paper's) as first documented, plus
    // every name of tasks/code/completion_postprocess.h.
    std::string name = *p == "llm_foundry" ? "llm-foundry" : *p == "human_eval" ? "codex" : *p;
    auto parsed = code::parse_postprocess(name);
    if (!parsed)
      throw input_error("unknown code_postprocess", e.where("code_postprocess"),
                        "llm_foundry, human_eval, " + code::postprocess_names(), *p);
    t.code.postprocess = *parsed;
  }
  set_if(e.get_bool("strip_prompt"), t.code.strip_prompt);
  if (t.code.generations_per_sample < 1)
    throw input_error("generations_per_sample must be positive", e.where("generations_per_sample"), "an integer >= 1",
                      std::to_string(t.code.generations_per_sample));
  if (t.code.pass_at_k.empty() || *std::min_element(t.code.pass_at_k.begin(), t.code.pass_at_k.end()) < 1)
    throw input_error("invalid pass_at_k", e.where("pass_at_k"), "integers >= 1", "an empty list or k < 1");
  int64_t kmax = *std::max_element(t.code.pass_at_k.begin(), t.code.pass_at_k.end());
  if (t.code.generations_per_sample < kmax)
    throw input_error("generations_per_sample smaller than pass_at_k", e.where("generations_per_sample"),
                      "generations_per_sample >= max(pass_at_k) = " + std::to_string(kmax),
                      std::to_string(t.code.generations_per_sample));
}

std::string require_string(const YamlMap& e, const std::string& key) {
  auto v = e.get_string(key);
  if (!v) throw input_error("missing key '" + key + "'", e.where(key), "key '" + key + "'", "no such key");
  return *v;
}

}  // namespace

TaskConfig parse_task_entry(const YamlMap& e, const std::string& data_root) {
  TaskConfig t;
  t.source_file = e.file();
  t.where = e.location();
  t.label = require_string(e, "label");
  std::string type_name = require_string(e, "icl_task_type");
  auto type_it = kTaskTypes.find(type_name);
  if (type_it == kTaskTypes.end())
    throw input_error("unknown icl_task_type", e.where("icl_task_type"),
                      "language_modeling, multiple_choice, schema, generation_task_with_answers or code_evaluation",
                      "'" + type_name + "'");
  t.type = type_it->second;
  check_keys(e, t.type);

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

  const std::string metric = default_metric(t.type);
  t.metric_names = e.get_string_list("metric_names").value_or(std::vector<std::string>{metric});
  for (const std::string& m : t.metric_names)
    if (m != metric)
      throw input_error("unsupported metric '" + m + "'", e.where("metric_names"),
                        metric + " (the " + std::string(to_string(t.type)) + " metric mpt-eval implements)", m);

  GenerationSettings defaults;
  if (t.type == TaskType::CodeEvaluation) {
    defaults.do_sample = true;   // LLM Foundry's code-evaluation defaults
    defaults.temperature = 0.2;
    t.strip_dataset = false;     // LLM Foundry passes strip_dataset=False for code
    if (e.has("strip_dataset"))
      throw input_error("strip_dataset cannot be set for code_evaluation", e.where("strip_dataset"), "no such key",
                        "strip_dataset (always false for code)");
    parse_code_settings(e, t);
  }
  t.generation = parse_generation_kwargs(e, defaults);

  if (t.type == TaskType::GenerationWithAnswers) {
    set_if(e.get_string("cot_delimiter"), t.cot_delimiter);
    if (e.has("early_stopping_criteria") && !e.get("early_stopping_criteria").IsNull())
      t.early_stopping_criteria = *e.get_string_list("early_stopping_criteria");
    check_stop_sequences(t.early_stopping_criteria, e.where("early_stopping_criteria"));
    set_if(e.get_bool("do_normalization"), t.do_normalization);
  }
  return t;
}

}  // namespace mpt
