// code_evaluation (LLM Foundry's InContextLearningCodeEvalDataset): HumanEval-style problems that
// tasks/code loads and harness/code_task completes, executes and scores (pass@k). This kind owns
// only the task file entry: the keys generations_per_sample, pass_at_k and the mpt-eval extensions
// code_postprocess and strip_prompt, and LLM Foundry's code defaults (sampling at temperature 0.2,
// strip_dataset false). The ICL methods are never called for it (runs_code()).
#include <algorithm>

#include "common/error.h"
#include "tasks/example_result.h"
#include "tasks/prompt_builder.h"
#include "tasks/task_entry.h"
#include "tasks/task_kind.h"
#include "tasks/yaml_reader.h"

namespace mpt {
namespace {

using ojson = nlohmann::ordered_json;

[[noreturn]] void not_icl() {
  throw runtime_error("code_evaluation tasks are run by tasks/code, not as ICL tasks", "code_evaluation");
}

class CodeEvaluationKind : public TaskKind {
 public:
  TaskType tag() const override { return TaskType::CodeEvaluation; }
  const char* name() const override { return "code_evaluation"; }
  const char* metric_name() const override { return "InContextLearningCodeEvalAccuracy"; }
  RequestForm request_form() const override { return RequestForm::Generate; }
  bool runs_code() const override { return true; }

  std::vector<std::string> own_keys() const override {
    return {"generations_per_sample", "pass_at_k", "code_postprocess", "strip_prompt"};
  }
  void parse_entry(const YamlMap& e, TaskConfig& t) const override {
    GenerationSettings defaults;
    defaults.do_sample = true;  // LLM Foundry's code-evaluation defaults
    defaults.temperature = 0.2;
    t.strip_dataset = false;    // LLM Foundry passes strip_dataset=False for code
    if (e.has("strip_dataset"))
      throw input_error("strip_dataset cannot be set for code_evaluation", e.where("strip_dataset"), "no such key",
                        "strip_dataset (always false for code)");
    parse_code_settings(e, t.code);
    t.generation = parse_generation_kwargs(e, defaults);
  }

  // ICL data, prompts, requests and scoring: tasks/code and harness/code_task instead.
  void start_rows(Dataset&) const override { not_icl(); }
  void add_row(const nlohmann::json&, const std::string&, bool, Dataset&) const override { not_icl(); }
  nlohmann::json row_json(const Dataset&, size_t) const override { not_icl(); }
  std::string shot_text(const PromptRules&, const Dataset&, int64_t, const std::string&) const override { not_icl(); }
  PromptPieces test_pieces(const PromptRules&, const Dataset&, int64_t, std::string) const override { not_icl(); }
  ojson prompt_sequence() const override { not_icl(); }
  ojson pieces_json(const PromptPieces&) const override { not_icl(); }
  void make_requests(PreparedEval&, PreparedExample&, const Tokens&, const TokenizerInterface&,
                     const std::string&) const override {
    not_icl();
  }
  ExampleResult score(const PreparedEval&, const PreparedExample&, const EvalResponses&) const override { not_icl(); }

 private:
  static void parse_code_settings(const YamlMap& e, CodeEvalSettings& c) {
    if (auto v = e.get_int("generations_per_sample")) c.generations_per_sample = *v;
    if (auto v = e.get_int_list("pass_at_k")) c.pass_at_k = *v;
    if (auto p = e.get_string("code_postprocess")) {
      // llm_foundry and human_eval (OpenAI's stop lines, the Codex paper's) as first documented,
      // plus every name of tasks/code/completion_postprocess.h.
      std::string name = *p == "llm_foundry" ? "llm-foundry" : *p == "human_eval" ? "codex" : *p;
      auto parsed = code::parse_postprocess(name);
      if (!parsed)
        throw input_error("unknown code_postprocess", e.where("code_postprocess"),
                          "llm_foundry, human_eval, " + code::postprocess_names(), *p);
      c.postprocess = *parsed;
    }
    if (auto v = e.get_bool("strip_prompt")) c.strip_prompt = *v;
    if (c.generations_per_sample < 1)
      throw input_error("generations_per_sample must be positive", e.where("generations_per_sample"),
                        "an integer >= 1", std::to_string(c.generations_per_sample));
    if (c.pass_at_k.empty() || *std::min_element(c.pass_at_k.begin(), c.pass_at_k.end()) < 1)
      throw input_error("invalid pass_at_k", e.where("pass_at_k"), "integers >= 1", "an empty list or k < 1");
    const int64_t kmax = *std::max_element(c.pass_at_k.begin(), c.pass_at_k.end());
    if (c.generations_per_sample < kmax)
      throw input_error("generations_per_sample smaller than pass_at_k", e.where("generations_per_sample"),
                        "generations_per_sample >= max(pass_at_k) = " + std::to_string(kmax),
                        std::to_string(c.generations_per_sample));
  }
};

}  // namespace

const TaskKind& code_evaluation_kind() {
  static const CodeEvaluationKind kind;
  return kind;
}

}  // namespace mpt
