// multiple_choice (LLM Foundry's InContextLearningMultipleChoiceTaskDataset): rows
// {query, choices, gold}; every choice is scored after the one context, and the example is
// correct when the gold choice has the lowest mean per-token NLL.
#include "tasks/dataset.h"
#include "tasks/kinds/loglikelihood_kind.h"
#include "tasks/kinds/row_fields.h"
#include "tasks/prompt_builder.h"
#include "tasks/prompt_rules.h"

namespace mpt {
namespace {

class MultipleChoiceKind : public LoglikelihoodKind {
 public:
  TaskType tag() const override { return TaskType::MultipleChoice; }
  const char* name() const override { return "multiple_choice"; }
  const char* metric_name() const override { return "InContextLearningMultipleChoiceAccuracy"; }

  void start_rows(Dataset& d) const override { d.rows = std::vector<ChoiceRow>{}; }
  void add_row(const nlohmann::json& row, const std::string& where, bool strip, Dataset& d) const override {
    ChoiceRow r{row_string(row, "query", where, strip), row_string_list(row, "choices", where, false), 0};
    r.gold = row_gold(row, r.choices.size(), "choices", where);
    rows_of<ChoiceRow>(d).push_back(std::move(r));
  }
  nlohmann::json row_json(const Dataset& d, size_t i) const override {
    const ChoiceRow& r = rows_of<ChoiceRow>(d).at(i);
    return {{"query", r.query}, {"choices", r.choices}, {"gold", r.gold}};
  }

  // The in-context answer is the gold choice, without the prefix space.
  std::string shot_text(const PromptRules& rules, const Dataset& d, int64_t row,
                        const std::string& preceding) const override {
    const ChoiceRow& r = rows_of<ChoiceRow>(d)[static_cast<size_t>(row)];
    return rules.construct_context(r.query, preceding) + r.choices[static_cast<size_t>(r.gold)];
  }
  PromptPieces test_pieces(const PromptRules& rules, const Dataset& d, int64_t row,
                           std::string preamble) const override {
    const ChoiceRow& r = rows_of<ChoiceRow>(d)[static_cast<size_t>(row)];
    PromptPieces p;
    p.contexts.push_back(rules.test_context(r.query, preamble));
    for (const std::string& c : r.choices) p.continuations.push_back(rules.with_prefix_space(c));
    p.gold = r.gold;
    p.preamble = std::move(preamble);
    return p;
  }
  nlohmann::ordered_json prompt_sequence() const override { return {"preamble", "context", "choices[i]"}; }
  nlohmann::ordered_json pieces_json(const PromptPieces& p) const override {
    nlohmann::ordered_json j;
    j["preamble"] = p.preamble;
    j["context"] = p.contexts.at(0);
    j["choices"] = p.continuations;
    j["gold"] = p.gold;
    return j;
  }

  ExampleResult score(const PreparedEval&, const PreparedExample& ex, const EvalResponses& responses) const override {
    return score_choices(ex, responses);
  }

  std::string continuation_name(size_t i) const override { return "choice " + std::to_string(i); }

};

}  // namespace

const TaskKind& multiple_choice_kind() {
  static const MultipleChoiceKind kind;
  return kind;
}

}  // namespace mpt
