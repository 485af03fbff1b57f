#include "backend/mpt_language_model.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <algorithm>
#include <memory>

#include "common/error.h"
#include "backend/branched_scoring.h"
#include "backend/scoring_plan.h"
#include "models/generation.h"
#include "models/kv_cache.h"
#include "models/mpt_model.h"
#include "backend/stop_matcher.h"
#include "tasks/tokenizer_interface.h"

namespace mpt {
namespace {

// Unembedding [N, C] -> [N, V] float32 needs N x V x 4 bytes; bound it per call.
constexpr int64_t kUnembedRows = 1024;

// One continuation to score: the hidden-state rows that predict its tokens, in order.
struct PendingContinuation {
  const ScoringGroup* group;
  size_t index;           // continuation index within the group
  int64_t first_row;      // its rows are [first_row, first_row + continuation.size()) of the row matrix
};

// Log-probabilities of `targets` under the logits of `rows` ([N, C] hidden states), and whether each
// target is the argmax (at::argmax returns the first maximal index: ties go to the lowest id).
void score_rows(const MptModel& model, const at::Tensor& rows, const std::vector<int64_t>& targets,
                std::vector<float>& logprob, std::vector<uint8_t>& greedy) {
  const int64_t n = rows.size(0);
  logprob.resize(static_cast<size_t>(n));
  greedy.resize(static_cast<size_t>(n));
  at::Tensor tgt = at::tensor(targets, at::kLong).to(rows.device());
  for (int64_t s = 0; s < n; s += kUnembedRows) {
    int64_t len = std::min(kUnembedRows, n - s);
    at::Tensor logits = model.unembed(rows.narrow(0, s, len));  // [len, V] float32
    at::Tensor t = tgt.narrow(0, s, len);
    at::Tensor lp = at::log_softmax(logits, -1).gather(1, t.unsqueeze(1)).squeeze(1).to(at::kCPU).contiguous();
    at::Tensor hit = logits.argmax(-1).eq(t).to(at::kCPU).contiguous();
    std::copy_n(lp.data_ptr<float>(), len, logprob.begin() + s);
    std::copy_n(hit.data_ptr<bool>(), len, greedy.begin() + s);
  }
}

// Answers every request of each pending continuation from the scored rows.
void answer(const std::vector<PendingContinuation>& pending, const std::vector<float>& logprob,
            const std::vector<uint8_t>& greedy, std::vector<LoglikelihoodResponse>& out,
            const LanguageModel::LoglikelihoodCallback& on_response) {
  for (const PendingContinuation& p : pending) {
    const Tokens& cont = p.group->continuations[p.index];
    LoglikelihoodResponse r;
    r.num_tokens = static_cast<int32_t>(cont.size());
    r.token_logprobs.assign(logprob.begin() + p.first_row, logprob.begin() + p.first_row + r.num_tokens);
    for (int32_t j = 0; j < r.num_tokens; ++j) {
      r.logprob += r.token_logprobs[static_cast<size_t>(j)];
      r.greedy = r.greedy && greedy[static_cast<size_t>(p.first_row + j)];
    }
    for (size_t req : p.group->request_indices[p.index]) {
      out[req] = r;
      if (on_response) on_response(req, out[req]);
    }
  }
}

Tokens context_or_eos(const Tokens& context, const TokenizerInterface& tokenizer) {
  if (!context.empty()) return context;
  // Nothing to condition on: start from end-of-text, as lm-evaluation-harness does.
  auto eos = tokenizer.eos_token_id();
  if (!eos) throw input_error("request with an empty context or prompt", "", "a context, or a tokenizer with an end-of-text token", "neither");
  return Tokens{*eos};
}

// Exact mode: one context, then each continuation, each alone.
void score_group_exact(const MptModel& model, const TokenizerInterface& tokenizer, const ScoringGroup& g,
                       std::vector<LoglikelihoodResponse>& out, const LanguageModel::LoglikelihoodCallback& cb) {
  Tokens ctx = context_or_eos(g.context, tokenizer);
  KVCache cache = model.new_cache(1, static_cast<int64_t>(ctx.size()));
  at::Tensor h = model.hidden_extending(cache, {ctx});              // [1, Tc, C]
  at::Tensor last = h[0].narrow(0, static_cast<int64_t>(ctx.size()) - 1, 1);  // [1, C]
  for (size_t c = 0; c < g.continuations.size(); ++c) {
    const Tokens& cont = g.continuations[c];
    at::Tensor rows = last;
    if (cont.size() > 1) {
      Tokens feed(cont.begin(), cont.end() - 1);
      rows = at::cat({last, model.hidden_after(cache, {feed})[0]}, 0);  // [k, C]
    }
    std::vector<float> lp;
    std::vector<uint8_t> hit;
    score_rows(model, rows, std::vector<int64_t>(cont.begin(), cont.end()), lp, hit);
    answer({PendingContinuation{&g, c, 0}}, lp, hit, out, cb);
  }
}

}  // namespace

MptLanguageModel::MptLanguageModel(const MptModel& model, const TokenizerInterface& tokenizer,
                                   MptLanguageModelOptions options)
    : model_(model), tokenizer_(tokenizer), options_(options) {
  using Mode = MptLanguageModelOptions::Mode;
  bool on_cpu = model_.options().device == "cpu";
  exact_ = options_.mode == Mode::Exact || (options_.mode == Mode::Auto && on_cpu);
}

int32_t MptLanguageModel::max_sequence_length() const { return static_cast<int32_t>(model_.config().max_seq_len); }

std::vector<LoglikelihoodResponse> MptLanguageModel::loglikelihood(const std::vector<LoglikelihoodRequest>& requests,
                                                                   const LoglikelihoodCallback& on_response) {
  std::vector<LoglikelihoodResponse> out(requests.size());
  for (size_t i = 0; i < requests.size(); ++i)
    if (requests[i].continuation.empty() && on_response) on_response(i, out[i]);
  ScoringPlan plan = plan_scoring(requests, options_.batch_tokens);
  at::NoGradGuard no_grad;
  for (const ScoringBatch& batch : plan.batches) {
    if (exact_) {
      for (size_t gi : batch.groups) score_group_exact(model_, tokenizer_, plan.groups[gi], out, on_response);
    } else {
      std::vector<Tokens> contexts;
      for (size_t gi : batch.groups) contexts.push_back(context_or_eos(plan.groups[gi].context, tokenizer_));
      score_batch_branched(model_, plan, batch, contexts, out, on_response);
    }
  }
  return out;
}

std::vector<GenerateResponse> MptLanguageModel::generate(const std::vector<GenerateRequest>& requests,
                                                         const GenerateCallback& on_response) {
  std::vector<GenerationJob> jobs;
  jobs.reserve(requests.size());
  for (const GenerateRequest& r : requests) {
    GenerationJob job;
    job.prompt = context_or_eos(r.prompt, tokenizer_);
    job.max_new_tokens = r.max_new_tokens;
    job.sampling = SamplingOptions{r.sampling.temperature, r.sampling.top_k, r.sampling.top_p, r.sampling.seed};
    if (r.stop_at_eos) job.eos_id = tokenizer_.eos_token_id();
    if (!r.stop.empty()) {
      const TokenizerInterface* tok = &tokenizer_;
      auto matcher = std::make_shared<StopMatcher>(r.stop);
      job.stop = [tok, matcher](const TokenIds& generated) { return matcher->matches(tok->decode(generated)); };
    }
    jobs.push_back(std::move(job));
  }
  std::vector<GenerateResponse> out(requests.size());
  auto finish = [&](size_t i, const GenerationResult& g) {
    GenerateResponse r;
    r.tokens = g.tokens;
    r.text = tokenizer_.decode(g.tokens);
    r.finish = g.end == GenerationEnd::Eos ? FinishReason::Eos
               : g.end == GenerationEnd::Stop ? FinishReason::Stop
                                              : FinishReason::Length;
    if (r.finish == FinishReason::Stop) {
      size_t cut = find_first_stop(r.text, requests[i].stop);
      if (cut != std::string::npos) r.text.resize(cut);
    }
    out[i] = std::move(r);
    if (on_response) on_response(i, out[i]);
  };
  at::NoGradGuard no_grad;
  mpt::generate(model_, jobs, GenerationOptions{exact_ ? 1 : options_.generation_rows}, finish);
  return out;
}

std::string MptLanguageModel::nonfinite_origin(const Tokens& tokens) { return model_.first_nonfinite_stage(tokens); }

}  // namespace mpt
