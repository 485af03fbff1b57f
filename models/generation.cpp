// Continuous batching: a fixed set of slots (SlotCache) decodes one token per step for every
// occupied slot; a finished sequence frees its slot at once and the next waiting prompt takes it
// (prefilled together with the other prompts admitted at that moment). Waiting prompts are taken
// longest first, so that the prompts of one prefill are alike in length (little padding).
//
// Per step the host sends the new ids ([slots] int64) and, with greedy decoding on an accelerator,
// reads back one token per slot (argmax on the device); the logits come to the host only when a
// sequence samples, or on CPU, where they already are.
#include "models/generation.h"

#include <ATen/core/Tensor.h>
#include <ATen/ops/stack.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/zeros.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>
#include <deque>

#include "common/error.h"
#include "models/slot_cache.h"
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

constexpr int64_t kFree = -1;

class ContinuousBatch {
 public:
  ContinuousBatch(const MptModel& model, const std::vector<GenerationJob>& jobs, const GenerationOptions& options,
                  std::vector<GenerationResult>& results, const GenerationCallback& on_finish)
      : model_(model), jobs_(jobs), options_(options), results_(results), on_finish_(on_finish),
        samplers_(jobs.size()), on_cpu_(model.options().device == "cpu") {}

  void run() {
    // Jobs that ask for nothing finish before any compute, in job order.
    std::vector<size_t> order;
    int64_t capacity = 0;
    for (size_t j = 0; j < jobs_.size(); ++j) {
      if (jobs_[j].max_new_tokens == 0) {
        finish(j, GenerationEnd::Length);
        continue;
      }
      order.push_back(j);
      capacity = std::max<int64_t>(capacity, static_cast<int64_t>(jobs_[j].prompt.size()) + jobs_[j].max_new_tokens);
    }
    if (order.empty()) return;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return jobs_[a].prompt.size() > jobs_[b].prompt.size(); });
    waiting_.assign(order.begin(), order.end());
    const int64_t slots = std::min<int64_t>(std::max<int64_t>(options_.max_batch_rows, 1), static_cast<int64_t>(order.size()));
    cache_ = std::make_unique<SlotCache>(model_.new_slot_cache(slots, capacity));
    slot_job_.assign(static_cast<size_t>(slots), kFree);
    while (true) {
      admit();
      if (active() == 0) break;  // nothing decoding and nothing left waiting
      shrink();
      step();
    }
  }

 private:
  int64_t active() const { return std::count_if(slot_job_.begin(), slot_job_.end(), [](int64_t j) { return j != kFree; }); }

  // Fills free slots with waiting prompts, one prefill per group of prompts under the token budget.
  void admit() {
    while (!waiting_.empty()) {
      std::vector<int64_t> free;
      for (size_t s = 0; s < slot_job_.size(); ++s)
        if (slot_job_[s] == kFree) free.push_back(static_cast<int64_t>(s));
      if (free.empty()) return;
      // Longest first: the group's width is its first prompt's length.
      const int64_t width = static_cast<int64_t>(jobs_[waiting_.front()].prompt.size());
      const size_t rows = static_cast<size_t>(std::clamp<int64_t>(options_.prefill_tokens / width, 1, static_cast<int64_t>(free.size())));
      std::vector<size_t> group;
      while (group.size() < rows && !waiting_.empty()) {
        group.push_back(waiting_.front());
        waiting_.pop_front();
      }
      prefill(group, std::vector<int64_t>(free.begin(), free.begin() + static_cast<std::ptrdiff_t>(group.size())));
    }
  }

  // Runs the prompts of `group` (right-padded, from position 0) into `slots` and picks each one's
  // first token.
  void prefill(const std::vector<size_t>& group, const std::vector<int64_t>& slots) {
    std::vector<TokenIds> prompts;
    std::vector<int64_t> last;
    for (size_t j : group) {
      prompts.push_back(jobs_[j].prompt);
      samplers_[j].emplace(jobs_[j].sampling);
    }
    at::Tensor h = model_.prefill_slots(prompts, slots, *cache_);             // [n, T, C]
    for (size_t i = 0; i < group.size(); ++i)
      last.push_back(static_cast<int64_t>(i) * h.size(1) + static_cast<int64_t>(prompts[i].size()) - 1);
    at::Tensor rows_h = h.reshape({-1, h.size(2)}).index_select(0, at::tensor(last, at::kLong).to(h.device()));
    std::vector<int64_t> jobs_of_rows(group.begin(), group.end());
    for (size_t i = 0; i < slots.size(); ++i) slot_job_[static_cast<size_t>(slots[i])] = jobs_of_rows[i];
    take(pick(model_.unembed(rows_h), jobs_of_rows), slots);
  }

  // Feeds every occupied slot its last token.
  void step() {
    const int64_t B = cache_->slots();
    at::Tensor ids = at::zeros({B, 1}, at::kLong);
    std::vector<int64_t> jobs, slots;
    for (int64_t s = 0; s < B; ++s) {
      const int64_t j = slot_job_[static_cast<size_t>(s)];
      if (j == kFree) continue;
      ids.data_ptr<int64_t>()[s] = results_[static_cast<size_t>(j)].tokens.back();
      jobs.push_back(j);
      slots.push_back(s);
    }
    at::Tensor h = model_.forward_slots(ids.to(at::Device(model_.options().device)), *cache_);  // [slots, 1, C]
    at::Tensor logits = model_.unembed(h.select(1, 0));                      // [slots, V] float32
    if (static_cast<int64_t>(slots.size()) != B)
      logits = logits.index_select(0, at::tensor(slots, at::kLong).to(logits.device()));
    take(pick(logits, jobs), slots);
  }

  // The next token of each row of `logits` ([n, V], row i belongs to jobs[i]).
  std::vector<int32_t> pick(const at::Tensor& logits, const std::vector<int64_t>& jobs) {
    const int64_t n = logits.size(0), V = logits.size(1);
    std::vector<int32_t> next(static_cast<size_t>(n));
    const bool all_greedy = std::all_of(jobs.begin(), jobs.end(), [&](int64_t j) {
      return jobs_[static_cast<size_t>(j)].sampling.temperature == 0;
    });
    if (all_greedy && !on_cpu_) {
      // at::argmax returns the first maximal index: ties go to the lowest id, as argmax_lowest.
      // Row i of the copy: [argmax, 1 if every logit is finite]; one small copy per step.
      at::Tensor best = at::stack({logits.argmax(-1), logits.isfinite().all(-1).to(at::kLong)}, 1).to(at::kCPU);
      const int64_t* b = best.data_ptr<int64_t>();
      for (int64_t i = 0; i < n; ++i) {
        if (b[2 * i + 1] == 0) nonfinite(jobs[static_cast<size_t>(i)]);
        next[static_cast<size_t>(i)] = static_cast<int32_t>(b[2 * i]);
      }
      return next;
    }
    at::Tensor host = logits.to(at::kCPU).contiguous();
    const float* p = host.data_ptr<float>();
    for (int64_t i = 0; i < n; ++i) {
      // NaN logits would make every pick token 0 (or any token): refuse them. O(V) per row, next to
      // the forward pass's O(parameters).
      if (!std::all_of(p + i * V, p + (i + 1) * V, [](float v) { return std::isfinite(v); })) nonfinite(jobs[static_cast<size_t>(i)]);
      next[static_cast<size_t>(i)] = samplers_[static_cast<size_t>(jobs[static_cast<size_t>(i)])]->next(p + i * V, V);
    }
    return next;
  }

  [[noreturn]] void nonfinite(int64_t job) const {
    const size_t j = static_cast<size_t>(job);
    throw NonFiniteOutput(format_error("the model produced non-finite logits while generating",
                                       "generate request " + std::to_string(j), "finite logits",
                                       "NaN or Inf in the next-token logits"),
                          j);
  }

  // Appends the picked tokens to the jobs in `slots` and retires those that are done.
  void take(const std::vector<int32_t>& next, const std::vector<int64_t>& slots) {
    for (size_t i = 0; i < slots.size(); ++i) {
      const size_t s = static_cast<size_t>(slots[i]);
      const size_t j = static_cast<size_t>(slot_job_[s]);
      results_[j].tokens.push_back(next[i]);
      if (auto end = finished(j)) {
        finish(j, *end);
        slot_job_[s] = kFree;
        cache_->release(static_cast<int64_t>(s));
        samplers_[j].reset();
      }
    }
  }

  std::optional<GenerationEnd> finished(size_t j) const {
    const GenerationJob& job = jobs_[j];
    const TokenIds& out = results_[j].tokens;
    if (job.eos_id && out.back() == *job.eos_id) return GenerationEnd::Eos;
    if (job.stop && job.stop(out)) return GenerationEnd::Stop;
    if (static_cast<int32_t>(out.size()) >= job.max_new_tokens) return GenerationEnd::Length;
    return std::nullopt;
  }

  void finish(size_t j, GenerationEnd end) {
    results_[j].end = end;
    if (on_finish_) on_finish_(j, results_[j]);
  }

  // Once nothing waits and at most half of the slots are busy, drops the free ones, so that the
  // remaining steps compute (and read the caches of) the busy slots only.
  void shrink() {
    if (!waiting_.empty() || 2 * active() > cache_->slots()) return;
    std::vector<int64_t> keep;
    std::vector<int64_t> jobs;
    for (size_t s = 0; s < slot_job_.size(); ++s)
      if (slot_job_[s] != kFree) {
        keep.push_back(static_cast<int64_t>(s));
        jobs.push_back(slot_job_[s]);
      }
    cache_->keep(keep);
    slot_job_ = std::move(jobs);
  }

  const MptModel& model_;
  const std::vector<GenerationJob>& jobs_;
  const GenerationOptions& options_;
  std::vector<GenerationResult>& results_;
  const GenerationCallback& on_finish_;
  std::vector<std::optional<TokenSampler>> samplers_;  // per job, while it decodes
  const bool on_cpu_;
  std::deque<size_t> waiting_;                         // jobs not admitted yet, longest prompt first
  std::unique_ptr<SlotCache> cache_;
  std::vector<int64_t> slot_job_;                      // per slot: the job it decodes, or kFree
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
  torch_guarded("generating", [&] {
    c10::InferenceMode inference;
    ContinuousBatch(model, jobs, options, results, on_finish).run();
  });
  return results;
}

}  // namespace mpt
