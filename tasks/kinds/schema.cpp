// schema (LLM Foundry's InContextLearningSchemaTaskDataset, Winograd style): rows
// {context_options, continuation, gold}; the one continuation is scored after every context
// option, and the example is correct when the gold option gives it the lowest mean per-token NLL.
#include "tasks/dataset.h"
#include "tasks/kinds/loglikelihood_kind.h"
#include "tasks/kinds/row_fields.h"
#include "tasks/prompt_builder.h"
#include "tasks/prompt_rules.h"
#include "tasks/python_str.h"

namespace mpt {
namespace {

class SchemaKind : public LoglikelihoodKind {
 public:
  TaskType tag() const override { return TaskType::Schema; }
  const char* name() const override { return "schema"; }
  const char* metric_name() const override { return "InContextLearningMultipleChoiceAccuracy"; }

  void start_rows(Dataset& d) const override { d.rows = std::vector<SchemaRow>{}; }
  void add_row(const nlohmann::json& row, const std::string& where, bool strip, Dataset& d) const override {
    SchemaRow r{row_string_list(row, "context_options", where, false), row_string(row, "continuation", where, strip), 0};
    r.gold = row_gold(row, r.context_options.size(), "context_options", where);
    rows_of<SchemaRow>(d).push_back(std::move(r));
  }
  nlohmann::json row_json(const Dataset& d, size_t i) const override {
    const SchemaRow& r = rows_of<SchemaRow>(d).at(i);
    return {{"context_options", r.context_options}, {"continuation", r.continuation}, {"gold", r.gold}};
  }

  // The schema override of construct_context: the prelimiter before the delimiter, the answer
  // always added.
  std::string shot_text(const PromptRules& rules, const Dataset& d, int64_t row,
                        const std::string& preceding) const override {
    const TaskConfig& t = rules.task();
    const SchemaRow& r = rows_of<SchemaRow>(d)[static_cast<size_t>(row)];
    std::string c = r.context_options[static_cast<size_t>(r.gold)];
    if (!preceding.empty()) c = t.example_delimiter + c;
    return t.prelimiter + c + t.continuation_delimiter + r.continuation;
  }
  // _construct_multiple_contexts: never rstripped; the delimiter only after shots.
  PromptPieces test_pieces(const PromptRules& rules, const Dataset& d, int64_t row,
                           std::string preamble) const override {
    const TaskConfig& t = rules.task();
    const SchemaRow& r = rows_of<SchemaRow>(d)[static_cast<size_t>(row)];
    PromptPieces p;
    for (const std::string& opt : r.context_options) {
      if (preamble.empty()) {
        p.contexts.push_back(t.prelimiter + opt);
      } else {
        std::string delim = t.strip_dataset ? py::rstrip(t.continuation_delimiter) : t.continuation_delimiter;
        p.contexts.push_back(t.prelimiter + t.example_delimiter + opt + delim);
      }
    }
    p.continuations.push_back(rules.with_prefix_space(r.continuation));
    p.gold = r.gold;
    p.preamble = std::move(preamble);
    return p;
  }
  nlohmann::ordered_json prompt_sequence() const override { return {"preamble", "contexts[i]", "continuation"}; }
  nlohmann::ordered_json pieces_json(const PromptPieces& p) const override {
    nlohmann::ordered_json j;
    j["preamble"] = p.preamble;
    j["contexts"] = p.contexts;
    j["continuation"] = p.continuations.at(0);
    j["gold"] = p.gold;
    return j;
  }

  ExampleResult score(const PreparedEval&, const PreparedExample& ex, const EvalResponses& responses) const override {
    return score_choices(ex, responses);
  }

};

}  // namespace

const TaskKind& schema_kind() {
  static const SchemaKind kind;
  return kind;
}

}  // namespace mpt
