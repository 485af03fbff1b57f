#include "tasks/prompt_listing.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "tasks/task_kind.h"

namespace mpt {
namespace {

std::string join_labels(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string quoted(const std::string& s) { return nlohmann::json(s).dump(-1, ' ', false); }

std::string ids(const Tokens& t) {
  std::string s = "[";
  for (size_t i = 0; i < t.size(); ++i) s += (i ? ", " : "") + std::to_string(t[i]);
  return s + "]";
}

void piece(std::string& out, const std::string& name, const std::string& text, const TokenizerInterface& tok) {
  out += fmt::format("  {} ({} tokens): {}\n", name, tok.encode(text).size(), quoted(text));
}

}  // namespace

const EvalSpec& select_one_evaluation(const TaskSuite& suite, const std::string& selector) {
  std::vector<const EvalSpec*> hits;
  for (const EvalSpec& e : suite.evaluations)
    if (selects(e, selector)) hits.push_back(&e);
  if (hits.size() == 1) return *hits[0];
  if (hits.size() > 1) {
    std::vector<std::string> labels;
    for (const EvalSpec* e : hits) labels.push_back(e->label);
    throw input_error("'" + selector + "' names several evaluations", "--task", "one of " + join_labels(labels), selector);
  }
  for (const MissingTask& m : suite.missing)
    for (const std::string& key : m.benchmark_keys)
      if (label_matches(key, selector) || label_matches(selector, key))
        throw input_error("dataset missing for '" + selector + "'", m.task->where, "a data file", m.reason);
  for (const CodeTaskSpec& c : suite.code_tasks)
    if (label_matches(c.label, selector))
      throw input_error("prompts of code_evaluation tasks are not listed here", "--task", "an ICL task", c.label);
  throw input_error("no evaluation named '" + selector + "'", "--task", "one of " + join_labels(suite.all_labels()), selector);
}

std::string format_prompt_listing(const PreparedEval& eval, const std::vector<int64_t>& indices,
                                  const TokenizerInterface& tok, bool show_token_ids) {
  const EvalSpec& spec = eval.spec;
  const TaskKind& kind = *spec.task->kind;
  std::string out = fmt::format("{}: {} ({}), {} examples, max_seq_len {}{}\n", spec.label, kind.name(),
                                spec.task->dataset_file, spec.size(), eval.max_seq_len, kind.listing_summary(eval));
  for (int64_t i : indices) {
    const PreparedExample& ex = eval.examples.at(static_cast<size_t>(i));
    const PromptPieces& p = ex.prompt.pieces;
    std::vector<std::string> shots;
    for (int64_t s : ex.prompt.fewshot) shots.push_back(std::to_string(s));
    out += fmt::format("\n== example {} ({}:{}), shots [{}]\n", ex.prompt.index, spec.dataset->path,
                       spec.dataset->lines[static_cast<size_t>(ex.prompt.row)], join_labels(shots));
    piece(out, "preamble", p.preamble, tok);
    for (size_t c = 0; c < p.contexts.size(); ++c)
      piece(out, p.contexts.size() > 1 ? fmt::format("context {}", c) : "context", p.contexts[c], tok);
    for (size_t c = 0; c < p.continuations.size(); ++c) piece(out, kind.continuation_name(c), p.continuations[c], tok);
    if (p.gold >= 0) out += fmt::format("  gold: {}\n", p.gold);
    out += kind.listing_details(ex);
    for (size_t r = 0; r < ex.num_requests; ++r) {
      if (kind.request_form() == RequestForm::Generate) {
        const GenerateRequest& g = eval.generate_requests[ex.first_request + r];
        out += fmt::format("  request: {} prompt tokens, max_new_tokens {}\n", g.prompt.size(), g.max_new_tokens);
        if (show_token_ids) out += "    prompt ids: " + ids(g.prompt) + "\n";
      } else {
        const LoglikelihoodRequest& q = eval.loglikelihood_requests[ex.first_request + r];
        out += fmt::format("  request {}: {} context + {} continuation tokens\n", r, q.context.size(),
                           q.continuation.size());
        if (show_token_ids)
          out += "    context ids: " + ids(q.context) + "\n    continuation ids: " + ids(q.continuation) + "\n";
      }
    }
  }
  return out;
}

}  // namespace mpt
