// The MPT forward pass, top to bottom: embeddings, n_layers pre-norm blocks (attention with ALiBi,
// then an MLP), the final norm, and the tied unembedding. It follows LLM Foundry's MPT
// (llmfoundry/models/mpt/modeling_mpt.py, layers/attention.py) and matches Hugging Face's
// MptForCausalLM where HF implements the setting (tests/models: fixture parity).
//
// Shape legend
//   B  batch rows                  T  new tokens per row in this call
//   P  past key columns (cache)    S  key columns attended to = P + T
//   C  d_model                     H  query heads     K  key/value heads     G = H / K
//   D  head dim = C / H            F  FFN width       V  vocabulary
//
// Padding: valid[b, t] says whether column t of row b holds a real token; padding may sit anywhere
// (right-padded scoring, left-padded generation, masked columns inside a cache). Padding columns are
// never attended to, and positions count real tokens only, so a row's results do not depend on its
// padding. A query that sees no real key at all (a padding query) gets a uniform, finite softmax.
#include <ATen/core/Tensor.h>
#include <ATen/ops/arange.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/embedding.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/gelu.h>
#include <ATen/ops/layer_norm.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/matmul.h>
#include <ATen/ops/rsqrt.h>
#include <ATen/ops/softmax.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/zeros.h>
#include <c10/core/InferenceMode.h>

#include <cmath>
#include <limits>

#include "common/error.h"
#include "common/log.h"
#include "models/kv_cache.h"
#include "models/mpt_weights.h"

namespace mpt {
namespace {

// What every layer's attention shares in one call.
struct AttentionContext {
  at::Tensor slopes;   // [1, H, 1, 1] float32: ALiBi slope per head (undefined without ALiBi)
  at::Tensor rel_pos;  // [B, 1, T, S] float32: position of the key minus position of the query
  at::Tensor blocked;  // [B, 1, T, S] bool: the query must not see the key (padding or future)
};

// ALiBi slopes as MPT defines them: with N the next power of two >= H, slope_m = 1 / 2^(m·max/N)
// for m = 1..N; when H is not a power of two, the odd-indexed slopes then the even-indexed ones
// (slopes[1::2] ++ slopes[::2]), first H. Computed in float32, as LLM Foundry and HF do.
std::vector<float> alibi_slopes(int64_t H, double alibi_bias_max) {
  int64_t N = 1;
  while (N < H) N *= 2;
  const float step = static_cast<float>(alibi_bias_max / static_cast<double>(N));
  std::vector<float> slopes(N);
  for (int64_t m = 1; m <= N; ++m) slopes[m - 1] = 1.0f / std::pow(2.0f, static_cast<float>(m) * step);
  if (N == H) return slopes;
  std::vector<float> interleaved;
  for (int64_t i = 1; i < N; i += 2) interleaved.push_back(slopes[i]);
  for (int64_t i = 0; i < N; i += 2) interleaved.push_back(slopes[i]);
  interleaved.resize(H);
  return interleaved;
}

// A weight in the activations' dtype. Weights are stored in the model dtype; activations use the
// compute dtype (MptModel::State::compute_dtype): the model dtype on CUDA, float32 on CPU. So on CPU a
// bf16 model keeps bf16 weights (half the memory) and converts each weight when it is used:
// libtorch's CPU bf16 kernels run 2-20x slower than float32 ones on CPUs without native bf16
// instructions (bench_model: GEMM 4 vs 67 GFLOP/s, LayerNorm 18x, GELU 2x on the build machine).
at::Tensor as(const at::Tensor& w, const at::Tensor& x) {
  return w.defined() && w.scalar_type() != x.scalar_type() ? w.to(x.scalar_type()) : w;
}

at::Tensor linear(const at::Tensor& x, const LinearWeights& w) {
  return at::linear(x, as(w.weight, x), as(w.bias, x));
}

// LayerNorm (bias only when the checkpoint has one), or RMSNorm computed in float32.
at::Tensor norm(const at::Tensor& x, const NormWeights& w, const MptConfig& c) {
  if (c.norm_type == NormType::LayerNorm)
    return at::layer_norm(x, {x.size(-1)}, as(w.weight, x), as(w.bias, x), c.norm_eps);
  at::Tensor xf = x.to(at::kFloat);
  at::Tensor y = xf.mul(at::rsqrt(xf.pow(2).mean(-1, /*keepdim=*/true).add(c.norm_eps)));
  return y.mul(w.weight.to(at::kFloat)).to(x.scalar_type());
}

// Self-attention of one block. x: [B, T, C] (after norm_1) -> [B, T, C] (after out_proj).
// `cache`, when given, is extended with this call's keys/values; `prefix` is read only.
at::Tensor attention(const at::Tensor& x, const BlockWeights& w, const MptConfig& c, const AttentionContext& ctx,
                     int64_t layer, KVCache* cache, const KVCache* prefix) {
  const int64_t B = x.size(0), T = x.size(1);
  const int64_t H = c.n_heads, K = c.kv_n_heads, G = H / K, D = c.head_dim();

  at::Tensor qkv = linear(x, w.wqkv);                                        // [B, T, (H + 2K)·D]
  if (c.clip_qkv) qkv = qkv.clamp(-*c.clip_qkv, *c.clip_qkv);
  std::vector<at::Tensor> parts = qkv.split_with_sizes({H * D, K * D, K * D}, -1);
  at::Tensor q = parts[0], k = parts[1], v = parts[2];                       // [B, T, H·D], [B, T, K·D] x2
  if (c.qk_ln) {                                                             // over all heads at once
    q = norm(q, w.q_ln, c);
    k = norm(k, w.k_ln, c);
  }
  q = q.reshape({B, T, H, D}).transpose(1, 2);                               // [B, H, T, D]
  k = k.reshape({B, T, K, D}).transpose(1, 2);                               // [B, K, T, D]
  v = v.reshape({B, T, K, D}).transpose(1, 2);                               // [B, K, T, D]

  at::Tensor keys = k, values = v;                                           // [B, K, S, D]
  if (cache) {
    std::tie(keys, values) = cache->write(layer, k, v);
  } else if (prefix) {
    keys = at::cat({prefix->keys(layer).expand({B, -1, -1, -1}), k}, 2);
    values = at::cat({prefix->values(layer).expand({B, -1, -1, -1}), v}, 2);
  }
  const int64_t S = keys.size(2);

  // Query heads h = kv·G + g share kv head kv (grouped-query attention): group them so that keys
  // and values are used as they are, without repeating them G times.
  at::Tensor scores = at::matmul(q.reshape({B, K, G * T, D}), keys.transpose(2, 3))  // [B, K, G·T, S]
                          .view({B, H, T, S})
                          .to(at::kFloat)
                          .mul_(c.softmax_scale);                            // [B, H, T, S] float32
  if (c.alibi) scores.addcmul_(ctx.slopes, ctx.rel_pos);                     // + slope_h · (j − i)
  scores.masked_fill_(ctx.blocked, std::numeric_limits<float>::lowest()); // masks after the bias
  at::Tensor probs = at::softmax(scores, -1).to(x.scalar_type());            // [B, H, T, S]
  at::Tensor out = at::matmul(probs.view({B, K, G * T, S}), values)          // [B, K, G·T, D]
                       .view({B, H, T, D})
                       .transpose(1, 2)
                       .reshape({B, T, H * D});                              // [B, T, H·D]
  return linear(out, w.out_proj);                                            // [B, T, C]
}

// The MLP of one block: up, exact (erf) GELU, down. [B, T, C] -> [B, T, C].
at::Tensor mlp(const at::Tensor& x, const BlockWeights& w) {
  at::Tensor h = linear(x, w.up_proj);                                       // [B, T, F]
  return linear(at::gelu(h, "none"), w.down_proj);
}

}  // namespace

at::Tensor MptModel::forward_impl(const at::Tensor& ids, const at::Tensor& valid, KVCache* cache,
                                  const KVCache* prefix) const {
  c10::InferenceMode inference;
  const MptConfig& c = config_;
  const MptWeights& w = state_->weights;
  const int64_t B = ids.size(0), T = ids.size(1);
  const auto long_opts = at::TensorOptions().dtype(at::kLong).device(state_->device);

  // 1. The keys already computed: validity [B, P], positions [B, P], real tokens so far [B].
  at::Tensor past_valid, past_pos, past_count;
  if (const KVCache* past = cache ? cache : prefix) {
    past_valid = past->valid().expand({B, -1});
    past_pos = past->positions().expand({B, -1});
    past_count = past->next_position().expand({B});
  } else {
    past_valid = at::empty({B, 0}, valid.options());
    past_pos = at::empty({B, 0}, long_opts);
    past_count = at::zeros({B}, long_opts);
  }
  const int64_t P = past_valid.size(1), S = P + T;

  // 2. Positions of the new tokens: the number of real tokens before them in their row.
  at::Tensor pos = past_count.unsqueeze(1).add(valid.cumsum(1, at::kLong)).sub(1).clamp_min(0);  // [B, T]
  const int64_t longest = past_count.add(valid.sum(1)).max().item<int64_t>();
  if (longest > c.max_seq_len) {
    if (!c.alibi)
      throw input_error("sequence longer than the model's learned positions", dir_,
                        "at most max_seq_len = " + std::to_string(c.max_seq_len) + " tokens", std::to_string(longest));
    if (!state_->warned_long_sequence.exchange(true))
      MPT_LOG(Warn, "a sequence of {} tokens exceeds max_seq_len {} of {}; ALiBi extrapolates", longest,
              c.max_seq_len, dir_);
  }

  // 3. What attention may see: key j of query i when j is a real token and not in i's future.
  AttentionContext ctx;
  at::Tensor key_valid = at::cat({past_valid, valid}, 1);                   // [B, S]
  at::Tensor key_pos = at::cat({past_pos, pos}, 1);                         // [B, S]
  at::Tensor future = at::arange(S, long_opts).unsqueeze(0).gt(at::arange(T, long_opts).add(P).unsqueeze(1));  // [T, S]
  ctx.blocked = future.view({1, 1, T, S}).logical_or(key_valid.logical_not().view({B, 1, 1, S}));  // [B, 1, T, S]
  if (c.alibi) {
    std::vector<float> slopes = alibi_slopes(c.n_heads, c.alibi_bias_max);
    ctx.slopes = at::tensor(slopes, at::kFloat).to(state_->device).view({1, c.n_heads, 1, 1});
    ctx.rel_pos = key_pos.view({B, 1, 1, S}).sub(pos.view({B, 1, T, 1})).to(at::kFloat);  // [B, 1, T, S]
  }

  // 4. Embeddings.
  at::Tensor x = at::embedding(w.wte, ids).to(state_->compute_dtype);     // [B, T, C]
  if (c.learned_pos_emb) x = x.add(at::embedding(w.wpe, pos).to(x.scalar_type()));
  // embedding_fraction only scales gradients (x·f + x.detach()·(1 − f)); the value is x.

  // 5. The blocks: pre-norm residual attention, then pre-norm residual MLP.
  if (cache) cache->reserve(T);
  for (int64_t l = 0; l < c.n_layers; ++l) {
    const BlockWeights& bw = w.blocks[l];
    x = x.add(attention(norm(x, bw.norm_1, c), bw, c, ctx, l, cache, prefix));
    x = x.add(mlp(norm(x, bw.norm_2, c), bw));
  }
  if (cache) cache->commit(valid, pos);

  // 6. Final norm; unembed_impl turns (selected) rows into logits.
  return norm(x, w.norm_f, c);                                              // [B, T, C]
}

at::Tensor MptModel::unembed_impl(const at::Tensor& hidden) const {
  c10::InferenceMode inference;
  const MptWeights& w = state_->weights;
  const at::Tensor& out = config_.tie_word_embeddings ? w.wte : w.lm_head;  // [V, C]
  at::Tensor logits = at::linear(hidden, as(out, hidden)).to(at::kFloat); // [..., V]
  if (config_.logit_scale) logits.mul_(*config_.logit_scale);               // LLM Foundry; HF ignores it
  return logits;
}

}  // namespace mpt
