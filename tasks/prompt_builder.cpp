#include "tasks/prompt_builder.h"

#include <variant>

#include "common/error.h"
#include "tasks/fewshot_sampler.h"
#include "tasks/python_str.h"

namespace mpt {
namespace {

// The string rules of one evaluation. Names follow LLM Foundry's methods.
class PromptRules {
 public:
  PromptRules(const EvalSpec& spec, bool prefix_space) : spec_(spec), t_(*spec.task), prefix_space_(prefix_space) {}

  // _generate_few_shot_prompt's per-shot text: construct_context(shot, preceding, add_answer=True).
  std::string shot_text(int64_t row, const std::string& preceding) const {
    return std::visit(
        [&](const auto& rows) {
          const auto& r = rows[static_cast<size_t>(row)];
          using R = std::decay_t<decltype(r)>;
          if constexpr (std::is_same_v<R, SchemaRow>) {
            // The schema override: prelimiter before the delimiter, the answer always added.
            std::string c = r.context_options[static_cast<size_t>(r.gold)];
            if (!preceding.empty()) c = t_.example_delimiter + c;
            return t_.prelimiter + c + t_.continuation_delimiter + r.continuation;
          } else {
            return construct_context(question(r), preceding) + in_context_answer(r);
          }
        },
        spec_.dataset->rows);
  }

  PromptPieces test_pieces(int64_t row, std::string preamble) const {
    PromptPieces p;
    std::visit(
        [&](const auto& rows) {
          const auto& r = rows[static_cast<size_t>(row)];
          using R = std::decay_t<decltype(r)>;
          if constexpr (std::is_same_v<R, SchemaRow>) {
            // _construct_multiple_contexts: never rstripped; the delimiter only after shots.
            for (const std::string& opt : r.context_options) {
              if (preamble.empty()) {
                p.contexts.push_back(t_.prelimiter + opt);
              } else {
                std::string d = t_.strip_dataset ? py::rstrip(t_.continuation_delimiter) : t_.continuation_delimiter;
                p.contexts.push_back(t_.prelimiter + t_.example_delimiter + opt + d);
              }
            }
            p.continuations.push_back(with_prefix_space(r.continuation));
            p.gold = r.gold;
          } else {
            std::string ctx = construct_context(question(r), preamble);
            p.contexts.push_back(t_.strip_dataset ? py::rstrip(ctx) : ctx);
            if constexpr (std::is_same_v<R, LmRow>) {
              p.continuations.push_back(with_prefix_space(r.continuation));
            } else if constexpr (std::is_same_v<R, ChoiceRow>) {
              for (const std::string& c : r.choices) p.continuations.push_back(with_prefix_space(c));
              p.gold = r.gold;
            } else {
              p.answer = in_context_answer(r);  // generation answers never get the prefix space
              p.labels = r.labels;
            }
          }
        },
        spec_.dataset->rows);
    p.preamble = std::move(preamble);
    return p;
  }

 private:
  // The base construct_context without the answer.
  std::string construct_context(const std::string& text, const std::string& preceding) const {
    std::string c = t_.prelimiter + text;
    if (!preceding.empty()) c = t_.example_delimiter + c;
    return c + t_.continuation_delimiter;
  }
  static const std::string& question(const LmRow& r) { return r.context; }
  static const std::string& question(const ChoiceRow& r) { return r.query; }
  static const std::string& question(const QaRow& r) { return r.context; }

  // get_answer_from_example(example, in_context=True): no prefix space for any type.
  std::string in_context_answer(const LmRow& r) const { return r.continuation; }
  std::string in_context_answer(const ChoiceRow& r) const { return r.choices[static_cast<size_t>(r.gold)]; }
  std::string in_context_answer(const QaRow& r) const {
    return spec_.dataset->has_cot ? r.chain_of_thought + t_.cot_delimiter + r.answer : r.answer;
  }

  std::string with_prefix_space(const std::string& s) const {
    return (prefix_space_ && !py::startswith(s, " ")) ? " " + s : s;
  }

  const EvalSpec& spec_;
  const TaskConfig& t_;
  bool prefix_space_;
};

}  // namespace

std::vector<ExamplePrompt> build_prompts(const EvalSpec& spec, bool prefix_space, int64_t count) {
  const int64_t n = spec.size();
  if (count < 0 || count > n) count = n;
  PromptRules rules(spec, prefix_space);
  PythonRandom rng(spec.task->fewshot_random_seed);
  std::vector<ExamplePrompt> out;
  out.reserve(static_cast<size_t>(count));
  for (int64_t idx = 0; idx < count; ++idx) {
    ExamplePrompt ex;
    ex.index = idx;
    ex.row = spec.rows[static_cast<size_t>(idx)];
    std::string preamble = spec.task->prompt_string;
    ex.fewshot = fewshot_sample_indices(n, spec.num_fewshot, idx, rng);
    for (int64_t j : ex.fewshot) preamble += rules.shot_text(spec.rows[static_cast<size_t>(j)], preamble);
    ex.pieces = rules.test_pieces(ex.row, std::move(preamble));
    out.push_back(std::move(ex));
  }
  return out;
}

}  // namespace mpt
