#include "tasks/prepared_eval.h"

#include <algorithm>
#include <variant>

#include "common/error.h"
#include "tasks/example_scoring.h"

namespace mpt {
namespace {

std::string example_where(const EvalSpec& spec, const ExamplePrompt& p) {
  return "example " + std::to_string(p.index) + " of " + spec.label + ", " + spec.dataset->path + ":" +
         std::to_string(spec.dataset->lines[static_cast<size_t>(p.row)]);
}

// LLM Foundry's trim_context. Python's context[-0:] keeps the WHOLE context when the continuation
// exactly fills max_seq_len; that yields an over-long sequence, so it is an error here.
Tokens trim_context(Tokens context, size_t continuation_len, int64_t max_seq_len, const std::string& where) {
  const auto max = static_cast<size_t>(max_seq_len);
  if (context.size() + continuation_len <= max) return context;
  if (continuation_len >= max)
    throw input_error("continuation does not fit in max_seq_len", where,
                      "fewer than " + std::to_string(max) + " continuation tokens (room for context)",
                      std::to_string(continuation_len));
  context.erase(context.begin(), context.end() - static_cast<std::ptrdiff_t>(max - continuation_len));
  return context;
}

Tokens encode_preamble(const TokenizerInterface& tok, const std::string& preamble) {
  Tokens ids = tok.encode_with_special_tokens(preamble);
  auto eos = tok.eos_token_id();
  if (eos && ids.size() > 1 && ids.back() == *eos) ids.pop_back();  // _fix_eos_on_preamble
  return ids;
}

Tokens concat(Tokens a, const Tokens& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

int64_t max_answer_length(const EvalSpec& spec, const TokenizerInterface& tok) {
  const auto& rows = std::get<std::vector<QaRow>>(spec.dataset->rows);
  const std::string& delim = spec.task->cot_delimiter;
  size_t longest = 0;
  for (int64_t r : spec.rows) {
    const QaRow& row = rows[static_cast<size_t>(r)];
    for (const std::string& label : row.labels) {
      std::string response = spec.dataset->has_cot ? row.raw_chain_of_thought + delim + label : label;
      longest = std::max(longest, tok.encode_with_special_tokens(response).size());
    }
  }
  constexpr int64_t kCotBuffer = 10;  // LLM Foundry's _MAX_ANSWER_BUFFER_LENGTH
  return static_cast<int64_t>(longest) + (delim.empty() ? 0 : kCotBuffer);
}

}  // namespace

PreparedEval prepare_eval(const EvalSpec& spec, const TokenizerInterface& tok, const PrepareOptions& options) {
  PreparedEval out;
  out.spec = spec;
  out.max_seq_len = spec.task->max_seq_len.value_or(options.default_max_seq_len);
  out.prefix_space = tokenizer_needs_prefix_space(tok);
  const TaskType type = spec.task->type;
  if (type == TaskType::GenerationWithAnswers) {
    out.max_answer_length = max_answer_length(spec, tok);
    if (out.max_seq_len <= out.max_answer_length)
      throw input_error("max_seq_len leaves no room for the prompt", spec.task->where,
                        "max_seq_len above the longest answer (" + std::to_string(out.max_answer_length) + " tokens)",
                        std::to_string(out.max_seq_len));
  }
  const GenerationSettings& gen = spec.task->generation;
  for (ExamplePrompt& p : build_prompts(spec, out.prefix_space, options.limit)) {
    PreparedExample ex;
    const std::string where = example_where(spec, p);
    const PromptPieces& pc = p.pieces;
    Tokens preamble = encode_preamble(tok, pc.preamble);
    if (type == TaskType::GenerationWithAnswers) {
      ex.first_request = out.generate_requests.size();
      GenerateRequest g;
      g.prompt = trim_context(concat(preamble, tok.encode(pc.contexts[0])), 0,
                              out.max_seq_len - out.max_answer_length, where);
      g.max_new_tokens = static_cast<int32_t>(gen.max_new_tokens.value_or(std::max<int64_t>(out.max_answer_length, 1)));
      g.stop = spec.task->early_stopping_criteria;
      g.sampling = gen.sampling(static_cast<uint64_t>(p.index));
      out.generate_requests.push_back(std::move(g));
    } else {
      ex.first_request = out.loglikelihood_requests.size();
      std::vector<Tokens> contexts, continuations;
      for (const std::string& c : pc.contexts) contexts.push_back(concat(preamble, tok.encode(c)));
      for (const std::string& c : pc.continuations) continuations.push_back(tok.encode(c));
      const size_t n = std::max(contexts.size(), continuations.size());
      for (size_t i = 0; i < n; ++i) {
        const Tokens& cont = continuations[std::min(i, continuations.size() - 1)];
        Tokens ctx = trim_context(contexts[std::min(i, contexts.size() - 1)], cont.size(), out.max_seq_len, where);
        out.loglikelihood_requests.push_back({std::move(ctx), cont});
      }
    }
    ex.num_requests = (type == TaskType::GenerationWithAnswers ? out.generate_requests.size()
                                                               : out.loglikelihood_requests.size()) -
                      ex.first_request;
    ex.prompt = std::move(p);
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
