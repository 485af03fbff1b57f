#include "models/generation.h"

#include <ATen/core/Tensor.h>
#include <ATen/ops/ones.h>
#include <ATen/ops/zeros.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>

#include "common/error.h"
#include "models/kv_cache.h"
#include "models/torch_errors.h"

namespace mpt {
namespace {

void validate(const MptModel& model, const std::vector<GenerationJob>& jobs) {
  const int64_t vocab = model.config().vocab_size;
  for (size_t j = 0; j < jobs.size(); ++j) {
    const std::string where = "generation job " + std::to_string(j);
    if (jobs[j].prompt.empty()) throw input_error("empty prompt", where, "at least one token", "none");
    for (int32_t id : jobs[j].prompt)
      if (id < 0 || id >= vocab)
        throw input_error("prompt token id out of range", where, "0 <= id < " + std::to_string(vocab), std::to_string(id));
    if (jobs[j].max_new_tokens < 0)
      throw input_error("negative max_new_tokens", where, "a count >= 0", std::to_string(jobs[j].max_new_tokens));
    jobs[j].sampling.validate(where);
  }
}

// One group of jobs decoded together.
class Group {
 public:
  Group(const MptModel& model, const std::vector<GenerationJob>& jobs, std::vector<size_t> members,
        std::vector<GenerationResult>& results, const GenerationCallback& on_finish)
      : model_(model), jobs_(jobs), active_(std::move(members)), results_(results), on_finish_(on_finish) {
    for (size_t j : active_) samplers_.emplace_back(jobs_[j].sampling);
  }

  void run() {
    // Jobs that ask for nothing finish before any compute.
    retire([&](size_t j) { return jobs_[j].max_new_tokens == 0 ? std::optional(GenerationEnd::Length) : std::nullopt; });
    if (active_.empty()) return;
    at::Tensor logits = prefill();
    while (true) {
      pick(logits);
      std::vector<int64_t> kept = retire([&](size_t j) { return finished(j); });
      if (active_.empty()) return;
      if (static_cast<int64_t>(kept.size()) != cache_->batch()) cache_->select_rows(kept);
      logits = step();
    }
  }

 private:
  // Left-pads the prompts, runs them through the model and returns the last column's logits [B, V].
  at::Tensor prefill() {
    size_t width = 0, longest_new = 0;
    for (size_t j : active_) {
      width = std::max(width, jobs_[j].prompt.size());
      longest_new = std::max(longest_new, static_cast<size_t>(jobs_[j].max_new_tokens));
    }
    const int64_t B = static_cast<int64_t>(active_.size()), T = static_cast<int64_t>(width);
    at::Tensor ids = at::zeros({B, T}, at::kLong), valid = at::zeros({B, T}, at::kBool);
    for (int64_t b = 0; b < B; ++b) {
      const TokenIds& p = jobs_[active_[b]].prompt;
      const int64_t pad = T - static_cast<int64_t>(p.size());
      for (size_t t = 0; t < p.size(); ++t) {
        ids.data_ptr<int64_t>()[b * T + pad + static_cast<int64_t>(t)] = p[t];
        valid.data_ptr<bool>()[b * T + pad + static_cast<int64_t>(t)] = true;
      }
    }
    cache_ = std::make_unique<KVCache>(model_.new_cache(B, T + static_cast<int64_t>(longest_new)));
    return last_logits(ids, valid);
  }

  // Feeds every active sequence its last token.
  at::Tensor step() {
    const int64_t B = static_cast<int64_t>(active_.size());
    at::Tensor ids = at::zeros({B, 1}, at::kLong);
    for (int64_t b = 0; b < B; ++b) ids.data_ptr<int64_t>()[b] = results_[active_[b]].tokens.back();
    return last_logits(ids, at::ones({B, 1}, at::kBool));
  }

  at::Tensor last_logits(const at::Tensor& ids, const at::Tensor& valid) {
    const at::Device device = cache_->valid().device();
    at::Tensor h = model_.forward(ids.to(device), valid.to(device), cache_.get());  // [B, T, C]
    return model_.unembed(h.select(1, h.size(1) - 1)).to(at::kCPU).contiguous();   // [B, V] float32
  }

  void pick(const at::Tensor& logits) {
    const int64_t V = logits.size(1);
    const float* p = logits.data_ptr<float>();
    for (size_t b = 0; b < active_.size(); ++b)
      results_[active_[b]].tokens.push_back(samplers_[b].next(p + static_cast<int64_t>(b) * V, V));
  }

  std::optional<GenerationEnd> finished(size_t j) {
    const GenerationJob& job = jobs_[j];
    const TokenIds& out = results_[j].tokens;
    if (job.eos_id && out.back() == *job.eos_id) return GenerationEnd::Eos;
    if (job.stop && job.stop(out)) return GenerationEnd::Stop;
    if (static_cast<int32_t>(out.size()) >= job.max_new_tokens) return GenerationEnd::Length;
    return std::nullopt;
  }

  // Finishes the active sequences `done` picks; returns the batch rows that stay.
  template <class Done>
  std::vector<int64_t> retire(Done done) {
    std::vector<size_t> still;
    std::vector<TokenSampler> still_samplers;
    std::vector<int64_t> kept;
    for (size_t b = 0; b < active_.size(); ++b) {
      const size_t j = active_[b];
      if (auto end = done(j)) {
        results_[j].end = *end;
        if (on_finish_) on_finish_(j, results_[j]);
      } else {
        still.push_back(j);
        still_samplers.push_back(samplers_[b]);
        kept.push_back(static_cast<int64_t>(b));
      }
    }
    active_ = std::move(still);
    samplers_ = std::move(still_samplers);
    return kept;
  }

  const MptModel& model_;
  const std::vector<GenerationJob>& jobs_;
  std::vector<size_t> active_;           // job indices still generating, in batch-row order
  std::vector<TokenSampler> samplers_;   // one per active row
  std::vector<GenerationResult>& results_;
  const GenerationCallback& on_finish_;
  std::unique_ptr<KVCache> cache_;
};

}  // namespace

const char* to_string(GenerationEnd end) {
  switch (end) {
    case GenerationEnd::Length: return "length";
    case GenerationEnd::Eos: return "eos";
    case GenerationEnd::Stop: return "stop";
  }
  return "?";
}

std::vector<GenerationResult> generate(const MptModel& model, const std::vector<GenerationJob>& jobs,
                                       const GenerationOptions& options, const GenerationCallback& on_finish) {
  validate(model, jobs);
  std::vector<GenerationResult> results(jobs.size());
  const size_t group = static_cast<size_t>(std::max<int64_t>(options.max_batch_rows, 1));
  for (size_t first = 0; first < jobs.size(); first += group) {
    std::vector<size_t> members;
    for (size_t j = first; j < std::min(jobs.size(), first + group); ++j) members.push_back(j);
    torch_guarded("generating", [&] {
      c10::InferenceMode inference;
      Group(model, jobs, std::move(members), results, on_finish).run();
    });
  }
  return results;
}

}  // namespace mpt
