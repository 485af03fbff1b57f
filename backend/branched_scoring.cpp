#include "backend/branched_scoring.h"

#include <ATen/core/Tensor.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/log_softmax.h>
#include <ATen/ops/tensor.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "models/mpt_model.h"

namespace mpt {
namespace {

// Scored rows unembedded at once: [n, V] float32 logits and their log-softmax (~0.4 GB each at
// 2048 rows and the NeoX vocabulary).
constexpr int64_t kBranchUnembedRows = 2048;

}  // namespace

void score_batch_branched(const MptModel& model, const ScoringPlan& plan, const ScoringBatch& batch,
                          const std::vector<Tokens>& contexts, std::vector<LoglikelihoodResponse>& out,
                          const LanguageModel::LoglikelihoodCallback& on_response) {
  std::vector<BranchedRow> rows;
  for (size_t b = 0; b < batch.groups.size(); ++b) {
    BranchedRow row{contexts[b], {}};
    for (const Tokens& cont : plan.groups[batch.groups[b]].continuations)
      row.branches.emplace_back(cont.begin(), cont.end() - 1);  // the last token is scored, never fed
    rows.push_back(std::move(row));
  }
  at::Tensor hidden = model.hidden_branched(rows);  // [B, T, C]
  const int64_t T = hidden.size(1);

  // For every continuation token, the flat row (b·T + column) whose hidden state predicts it: the
  // context's last column for the first token, then the branch's own columns.
  std::vector<int64_t> index, targets;
  for (size_t b = 0; b < rows.size(); ++b) {
    const int64_t base = static_cast<int64_t>(b) * T;
    int64_t column = static_cast<int64_t>(rows[b].trunk.size());  // where the next branch starts
    for (const Tokens& cont : plan.groups[batch.groups[b]].continuations) {
      index.push_back(base + static_cast<int64_t>(rows[b].trunk.size()) - 1);
      for (size_t j = 1; j < cont.size(); ++j) index.push_back(base + column + static_cast<int64_t>(j) - 1);
      column += static_cast<int64_t>(cont.size()) - 1;
      targets.insert(targets.end(), cont.begin(), cont.end());
    }
  }
  at::Tensor flat = hidden.reshape({-1, hidden.size(2)});
  at::Tensor where = at::tensor(index, at::kLong).to(flat.device());
  at::Tensor target = at::tensor(targets, at::kLong).to(flat.device());
  std::vector<at::Tensor> logprob_chunks, hit_chunks;
  const int64_t n = static_cast<int64_t>(index.size());
  for (int64_t s = 0; s < n; s += kBranchUnembedRows) {
    const int64_t len = std::min(kBranchUnembedRows, n - s);
    at::Tensor logits = model.unembed(flat.index_select(0, where.narrow(0, s, len)));  // [len, V] float32
    at::Tensor t = target.narrow(0, s, len);
    logprob_chunks.push_back(at::log_softmax(logits, -1).gather(1, t.unsqueeze(1)).squeeze(1));
    hit_chunks.push_back(logits.argmax(-1).eq(t));  // first maximal index: ties go to the lowest id
  }
  at::Tensor logprob = at::cat(logprob_chunks).to(at::kCPU).contiguous();
  at::Tensor hit = at::cat(hit_chunks).to(at::kCPU).contiguous();
  const float* lp = logprob.data_ptr<float>();
  const bool* greedy = hit.data_ptr<bool>();

  size_t next = 0;  // position in index / targets order
  for (size_t b = 0; b < rows.size(); ++b) {
    const ScoringGroup& g = plan.groups[batch.groups[b]];
    for (size_t c = 0; c < g.continuations.size(); ++c) {
      LoglikelihoodResponse r;
      r.num_tokens = static_cast<int32_t>(g.continuations[c].size());
      for (int32_t j = 0; j < r.num_tokens; ++j, ++next) {
        r.token_logprobs.push_back(lp[next]);
        r.logprob += lp[next];
        r.greedy = r.greedy && greedy[next];
      }
      for (size_t req : g.request_indices[c]) {
        out[req] = r;
        if (on_response) on_response(req, out[req]);
      }
    }
  }
}

}  // namespace mpt
