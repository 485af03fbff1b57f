// language_modeling (LLM Foundry's InContextLearningLMTaskDataset): rows {context, continuation};
// the continuation is scored after the context, correct when every token is the greedy pick.
#include "tasks/dataset.h"
#include "tasks/kinds/loglikelihood_kind.h"
#include "tasks/kinds/row_fields.h"
#include "tasks/prompt_builder.h"
#include "tasks/prompt_rules.h"

namespace mpt {
namespace {

class LanguageModelingKind : public LoglikelihoodKind {
 public:
  TaskType tag() const override { return TaskType::LanguageModeling; }
  const char* name() const override { return "language_modeling"; }
  const char* metric_name() const override { return "InContextLearningLMAccuracy"; }

  void start_rows(Dataset& d) const override { d.rows = std::vector<LmRow>{}; }
  void add_row(const nlohmann::json& row, const std::string& where, bool strip, Dataset& d) const override {
    rows_of<LmRow>(d).push_back({row_string(row, "context", where, strip), row_string(row, "continuation", where, strip)});
  }
  nlohmann::json row_json(const Dataset& d, size_t i) const override {
    const LmRow& r = rows_of<LmRow>(d).at(i);
    return {{"context", r.context}, {"continuation", r.continuation}};
  }

  std::string shot_text(const PromptRules& rules, const Dataset& d, int64_t row,
                        const std::string& preceding) const override {
    const LmRow& r = rows_of<LmRow>(d)[static_cast<size_t>(row)];
    return rules.construct_context(r.context, preceding) + r.continuation;
  }
  PromptPieces test_pieces(const PromptRules& rules, const Dataset& d, int64_t row,
                           std::string preamble) const override {
    const LmRow& r = rows_of<LmRow>(d)[static_cast<size_t>(row)];
    PromptPieces p;
    p.contexts.push_back(rules.test_context(r.context, preamble));
    p.continuations.push_back(rules.with_prefix_space(r.continuation));
    p.preamble = std::move(preamble);
    return p;
  }
  nlohmann::ordered_json prompt_sequence() const override { return {"preamble", "context", "continuation"}; }
  nlohmann::ordered_json pieces_json(const PromptPieces& p) const override {
    nlohmann::ordered_json j;
    j["preamble"] = p.preamble;
    j["context"] = p.contexts.at(0);
    j["continuation"] = p.continuations.at(0);
    return j;
  }

  ExampleResult score(const PreparedEval&, const PreparedExample& ex, const EvalResponses& responses) const override {
    const LoglikelihoodResponse& resp = responses.loglikelihood[ex.first_request];
    const double correct = resp.greedy ? 1.0 : 0.0;
    ExampleResult r;
    r.metrics = {{"accuracy", correct}, {"acc", correct}};
    r.details = {{"logprob", resp.logprob}, {"num_tokens", resp.num_tokens}, {"greedy", resp.greedy}};
    return r;
  }

};

}  // namespace

const TaskKind& language_modeling_kind() {
  static const LanguageModelingKind kind;
  return kind;
}

}  // namespace mpt
