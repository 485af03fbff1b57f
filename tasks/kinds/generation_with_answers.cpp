// generation_task_with_answers (LLM Foundry's InContextLearningGenerationTaskWithAnswersDataset;
// question_answering is its old name): rows {context, answer[, aliases][, chain_of_thought]}; the
// model generates after the context and the example is correct when the cleaned output starts
// with a cleaned answer or alias (answer_match.h). Own keys: cot_delimiter,
// early_stopping_criteria, do_normalization.
#include <algorithm>

#include "common/error.h"
#include "common/jsonl.h"
#include "tasks/answer_match.h"
#include "tasks/dataset.h"
#include "tasks/eval_spec.h"
#include "tasks/kinds/context_tokens.h"
#include "tasks/kinds/row_fields.h"
#include "tasks/prepared_eval.h"
#include "tasks/prompt_builder.h"
#include "tasks/prompt_rules.h"
#include "tasks/python_str.h"
#include "tasks/task_entry.h"
#include "tasks/task_kind.h"
#include "tasks/yaml_reader.h"

namespace mpt {
namespace {

using ojson = nlohmann::ordered_json;

class GenerationWithAnswersKind : public TaskKind {
 public:
  TaskType tag() const override { return TaskType::GenerationWithAnswers; }
  const char* name() const override { return "generation_task_with_answers"; }
  const char* metric_name() const override { return "InContextLearningGenerationExactMatchAccuracy"; }
  RequestForm request_form() const override { return RequestForm::Generate; }

  std::vector<std::string> own_keys() const override {
    return {"cot_delimiter", "early_stopping_criteria", "do_normalization"};
  }
  void parse_entry(const YamlMap& e, TaskConfig& t) const override {
    t.generation = parse_generation_kwargs(e, GenerationSettings{});
    if (auto v = e.get_string("cot_delimiter")) t.cot_delimiter = *v;
    if (e.has("early_stopping_criteria") && !e.get("early_stopping_criteria").IsNull())
      t.early_stopping_criteria = *e.get_string_list("early_stopping_criteria");
    check_stop_sequences(t.early_stopping_criteria, e.where("early_stopping_criteria"));
    if (auto v = e.get_bool("do_normalization")) t.do_normalization = *v;
  }

  // labels = [answer] + aliases, deduplicated, taken before stripping; chain_of_thought in every
  // row or in none.
  void start_rows(Dataset& d) const override { d.rows = std::vector<QaRow>{}; }
  void add_row(const nlohmann::json& row, const std::string& where, bool strip, Dataset& d) const override {
    QaRow r;
    r.context = row_string(row, "context", where, strip);
    r.raw_answer = require_string(row, "answer", where);
    r.answer = strip ? py::strip(r.raw_answer) : r.raw_answer;
    r.labels.push_back(r.raw_answer);
    if (row.contains("aliases"))
      for (std::string& a : row_string_list(row, "aliases", where, true))
        if (std::find(r.labels.begin(), r.labels.end(), a) == r.labels.end()) r.labels.push_back(std::move(a));
    const bool row_cot = row.contains("chain_of_thought");
    if (d.lines.empty()) d.has_cot = row_cot;
    if (row_cot != d.has_cot)
      throw input_error(row_cot ? "unexpected key 'chain_of_thought'" : "missing key 'chain_of_thought'", where,
                        "chain_of_thought in every row or in none", row_cot ? "it in this row only" : "no such key");
    if (d.has_cot) {
      r.raw_chain_of_thought = require_string(row, "chain_of_thought", where);
      r.chain_of_thought = strip ? py::strip(r.raw_chain_of_thought) : r.raw_chain_of_thought;
    }
    rows_of<QaRow>(d).push_back(std::move(r));
  }
  nlohmann::json row_json(const Dataset& d, size_t i) const override {
    const QaRow& r = rows_of<QaRow>(d).at(i);
    nlohmann::json doc = {{"context", r.context},
                          {"answer", r.answer},
                          {"aliases", std::vector<std::string>(r.labels.begin() + (r.labels.empty() ? 0 : 1), r.labels.end())}};
    if (d.has_cot) doc["chain_of_thought"] = r.chain_of_thought;
    return doc;
  }

  std::string shot_text(const PromptRules& rules, const Dataset& d, int64_t row,
                        const std::string& preceding) const override {
    const QaRow& r = rows_of<QaRow>(d)[static_cast<size_t>(row)];
    return rules.construct_context(r.context, preceding) + in_context_answer(rules.task(), d, r);
  }
  PromptPieces test_pieces(const PromptRules& rules, const Dataset& d, int64_t row,
                           std::string preamble) const override {
    const QaRow& r = rows_of<QaRow>(d)[static_cast<size_t>(row)];
    PromptPieces p;
    p.contexts.push_back(rules.test_context(r.context, preamble));
    p.answer = in_context_answer(rules.task(), d, r);  // generation answers never get the prefix space
    p.labels = r.labels;
    p.preamble = std::move(preamble);
    return p;
  }
  ojson prompt_sequence() const override { return {"preamble", "context"}; }
  ojson pieces_json(const PromptPieces& p) const override {
    ojson j;
    j["preamble"] = p.preamble;
    j["context"] = p.contexts.at(0);
    j["answer"] = p.answer;
    j["aliases"] = p.labels;
    return j;
  }
  void prompt_delimiter_settings(ojson& s, const TaskConfig& t) const override { s["cot_delimiter"] = t.cot_delimiter; }
  void prompt_data_settings(ojson& s, const EvalSpec& spec) const override { s["has_cot"] = spec.dataset->has_cot; }

  void prepare(PreparedEval& eval, const TokenizerInterface& tok) const override {
    eval.max_answer_length = max_answer_length(eval.spec, tok);
    if (eval.max_seq_len <= eval.max_answer_length)
      throw input_error("max_seq_len leaves no room for the prompt", eval.spec.task->where,
                        "max_seq_len above the longest answer (" + std::to_string(eval.max_answer_length) + " tokens)",
                        std::to_string(eval.max_seq_len));
  }
  // One generate request: the prompt cut to leave room for the longest answer.
  void make_requests(PreparedEval& eval, PreparedExample& ex, const Tokens& preamble, const TokenizerInterface& tok,
                     const std::string& where) const override {
    const TaskConfig& t = *eval.spec.task;
    ex.first_request = eval.generate_requests.size();
    GenerateRequest g;
    g.prompt = trim_context(concat(preamble, tok.encode(ex.prompt.pieces.contexts[0])), 0,
                            eval.max_seq_len - eval.max_answer_length, where);
    g.max_new_tokens =
        static_cast<int32_t>(t.generation.max_new_tokens.value_or(std::max<int64_t>(eval.max_answer_length, 1)));
    g.stop = t.early_stopping_criteria;
    g.sampling = t.generation.sampling(static_cast<uint64_t>(ex.prompt.index));
    eval.generate_requests.push_back(std::move(g));
    ex.num_requests = 1;
  }
  ExampleResult score(const PreparedEval& eval, const PreparedExample& ex, const EvalResponses& responses) const override {
    const TaskConfig& t = *eval.spec.task;
    const GenerateResponse& resp = responses.generate[ex.first_request];
    AnswerJudgement j =
        judge_answer(resp.text, ex.prompt.pieces.labels, t.early_stopping_criteria, t.cot_delimiter, t.do_normalization);
    ExampleResult r;
    r.metrics = {{"accuracy", j.correct ? 1.0 : 0.0}};
    r.details = {{"generated", resp.text},
                 {"finish", to_string(resp.finish)},
                 {"final_answer", j.final_answer},
                 {"cleaned_output", j.cleaned_output},
                 {"cleaned_labels", j.cleaned_labels}};
    return r;
  }

  void add_run_settings(nlohmann::json& settings, const PreparedEval& eval) const override {
    const TaskConfig& t = *eval.spec.task;
    settings["cot_delimiter"] = t.cot_delimiter;
    settings["early_stopping_criteria"] = t.early_stopping_criteria;
    settings["do_normalization"] = t.do_normalization;
    settings["max_answer_length"] = eval.max_answer_length;
    settings["generation_kwargs"] = t.generation.settings_json();
  }
  std::string listing_summary(const PreparedEval& eval) const override {
    return ", max_answer_length " + std::to_string(eval.max_answer_length);
  }
  std::string listing_details(const PreparedExample& ex) const override {
    auto quoted = [](const std::string& s) { return nlohmann::json(s).dump(-1, ' ', false); };
    const PromptPieces& p = ex.prompt.pieces;
    std::string labels;
    for (const std::string& l : p.labels) labels += (labels.empty() ? "" : ", ") + quoted(l);
    return "  answer: " + quoted(p.answer) + "\n  labels: [" + labels + "]\n";
  }

 private:
  // get_answer_from_example(example, in_context=True).
  static std::string in_context_answer(const TaskConfig& t, const Dataset& d, const QaRow& r) {
    return d.has_cot ? r.chain_of_thought + t.cot_delimiter + r.answer : r.answer;
  }

  // The longest encode_with_special_tokens of (raw chain_of_thought + cot_delimiter +) any raw
  // answer or alias over the whole evaluation, plus LLM Foundry's buffer with a cot_delimiter.
  static int64_t max_answer_length(const EvalSpec& spec, const TokenizerInterface& tok) {
    const std::vector<QaRow>& all = rows_of<QaRow>(*spec.dataset);
    const std::string& delim = spec.task->cot_delimiter;
    size_t longest = 0;
    for (int64_t r : spec.rows) {
      const QaRow& row = all[static_cast<size_t>(r)];
      for (const std::string& label : row.labels) {
        std::string response = spec.dataset->has_cot ? row.raw_chain_of_thought + delim + label : label;
        longest = std::max(longest, tok.encode_with_special_tokens(response).size());
      }
    }
    constexpr int64_t kCotBuffer = 10;  // LLM Foundry's _MAX_ANSWER_BUFFER_LENGTH
    return static_cast<int64_t>(longest) + (delim.empty() ? 0 : kCotBuffer);
  }
};

}  // namespace

const TaskKind& generation_with_answers_kind() {
  static const GenerationWithAnswersKind kind;
  return kind;
}

}  // namespace mpt
