#include "tasks/prepared_eval.h"

#include "common/error.h"
#include "tasks/example_scoring.h"
#include "tasks/task_kind.h"

namespace mpt {
namespace {

std::string example_where(const EvalSpec& spec, const ExamplePrompt& p) {
  return "example " + std::to_string(p.index) + " of " + spec.label + ", " + spec.dataset->path + ":" +
         std::to_string(spec.dataset->lines[static_cast<size_t>(p.row)]);
}

Tokens encode_preamble(const TokenizerInterface& tok, const std::string& preamble) {
  Tokens ids = tok.encode_with_special_tokens(preamble);
  auto eos = tok.eos_token_id();
  if (eos && ids.size() > 1 && ids.back() == *eos) ids.pop_back();  // _fix_eos_on_preamble
  return ids;
}

}  // namespace

PreparedEval prepare_eval(const EvalSpec& spec, const TokenizerInterface& tok, const PrepareOptions& options) {
  const TaskKind& kind = *spec.task->kind;
  PreparedEval out;
  out.spec = spec;
  out.max_seq_len = spec.task->max_seq_len.value_or(options.default_max_seq_len);
  out.prefix_space = tokenizer_needs_prefix_space(tok);
  kind.prepare(out, tok);
  for (ExamplePrompt& p : build_prompts(spec, out.prefix_space, options.limit)) {
    PreparedExample ex;
    const std::string where = example_where(spec, p);
    const Tokens preamble = encode_preamble(tok, p.pieces.preamble);
    ex.prompt = std::move(p);
    kind.make_requests(out, ex, preamble, tok, where);
    out.examples.push_back(std::move(ex));
  }
  return out;
}

std::vector<ExampleResult> PreparedEval::score(const EvalResponses& responses) const {
  if (responses.loglikelihood.size() != loglikelihood_requests.size() ||
      responses.generate.size() != generate_requests.size())
    throw runtime_error("response count does not match the requests", spec.label,
                        std::to_string(loglikelihood_requests.size()) + " loglikelihood and " +
                            std::to_string(generate_requests.size()) + " generate responses",
                        std::to_string(responses.loglikelihood.size()) + " and " +
                            std::to_string(responses.generate.size()));
  std::vector<ExampleResult> out;
  out.reserve(examples.size());
  for (const PreparedExample& ex : examples) out.push_back(score_example(*this, ex, responses));
  return out;
}

ExampleResult PreparedEval::score_one(size_t example, const EvalResponses& responses) const {
  return score_example(*this, examples.at(example), responses);
}

}  // namespace mpt
