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
//
// Entry points (MptModel's *_impl methods, at the end) differ only in where their tokens sit: rows
// with padding after an optional cache or prefix, prompts prefilled into SlotCache slots, rows of a
// trunk followed by branches, one decoding step per slot. Each works out positions and what every
// query may see, then run_blocks runs the network itself.
#include <ATen/core/Tensor.h>
#include <ATen/ops/arange.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/embedding.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/gelu.h>
#include <ATen/ops/layer_norm.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/matmul.h>
#include <ATen/ops/mul.h>
#include <ATen/ops/rsqrt.h>
#include <ATen/ops/softmax.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/zeros.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <string>

#include "common/error.h"
#include "common/log.h"
#include "models/fused_attention.h"
#include "models/int8_linear.h"
#include "models/kv_cache.h"
#include "models/mpt_weights.h"
#include "models/slot_cache.h"

namespace mpt {
namespace {

// What every layer's attention shares in one call. Exactly one of the two paths is set up:
//   reference (CPU, float32 anywhere, libtorch < 2.1): explicit scores, ALiBi and masks added to them;
//   fused (CUDA in bf16/fp16 with libtorch >= 2.1): ALiBi and masks as one bias for SDPA
//   (fused_attention.h), so no [B, H, T, S] float32 scores are materialised in any layer.
struct AttentionContext {
  at::Tensor slopes;   // [1, H, 1, 1] float32: ALiBi slope per head (reference path, with ALiBi)
  at::Tensor rel_pos;  // [B, 1, T, S] float32: position of the key minus position of the query (idem)
  at::Tensor blocked;  // [B, 1, T, S] bool: the query must not see the key (reference path)
  at::Tensor bias;     // [B, H, T, S] compute dtype: slope_h·(j − i), or kMaskedBias where blocked (fused path)
};

// The fused path's "must not see": large enough that exp() of it is exactly 0 next to any visible
// score, finite so that a query without any visible key (a padding query) still gets a finite
// (uniform) softmax, and representable in bf16 and fp16 without overflow.
constexpr double kMaskedBias = -6e4;

// Keys and values attended to in one layer, given this call's k and v ([B, K, T, D]): this call's
// alone, or appended to a cache, or after a read-only prefix. Returns [B, K, S, D] each.
using KeyValueSource = std::function<std::pair<at::Tensor, at::Tensor>(int64_t layer, const at::Tensor& k,
                                                                        const at::Tensor& v)>;

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

// x [..., in] -> [..., out]. Int8 weights (ModelOptions::weights) go through int8_linear.h.
at::Tensor linear(const at::Tensor& x, const LinearWeights& w) {
  if (w.scale.defined()) return int8_linear(x, w);
  return at::linear(x, as(w.weight, x), as(w.bias, x));
}

// Rows `ids` of the embedding matrix in the compute dtype.
at::Tensor embed(const LinearWeights& wte, const at::Tensor& ids, at::ScalarType dtype) {
  if (wte.scale.defined()) return int8_embedding(wte, ids, dtype);
  return at::embedding(wte.weight, ids).to(dtype);
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
at::Tensor attention(const at::Tensor& x, const BlockWeights& w, const MptConfig& c, const AttentionContext& ctx,
                     int64_t layer, const KeyValueSource& kv) {
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
  auto [keys, values] = kv(layer, k, v);                                     // [B, K, S, D] x2
  const int64_t S = keys.size(2);

  at::Tensor out;                                                            // [B, H, T, D]
  if (ctx.bias.defined()) {
    // Fused: SDPA wants one key/value head per query head; head h reads kv head h / G.
    if (G > 1) {
      keys = keys.unsqueeze(2).expand({B, K, G, S, D}).reshape({B, H, S, D});
      values = values.unsqueeze(2).expand({B, K, G, S, D}).reshape({B, H, S, D});
    }
    out = fused_attention(q, keys, values, ctx.bias, c.softmax_scale);
  } else {
    // Reference: query heads h = kv·G + g share kv head kv (grouped-query attention): group them
    // so that keys and values are used as they are, without repeating them G times.
    at::Tensor scores = at::matmul(q.reshape({B, K, G * T, D}), keys.transpose(2, 3))  // [B, K, G·T, S]
                            .view({B, H, T, S})
                            .to(at::kFloat)
                            .mul_(c.softmax_scale);                          // [B, H, T, S] float32
    if (c.alibi) scores.addcmul_(ctx.slopes, ctx.rel_pos);                   // + slope_h · (j − i)
    scores.masked_fill_(ctx.blocked, std::numeric_limits<float>::lowest()); // masks after the bias
    at::Tensor probs = at::softmax(scores, -1).to(x.scalar_type());          // [B, H, T, S]
    out = at::matmul(probs.view({B, K, G * T, S}), values).view({B, H, T, D});  // [B, K, G·T, D]
  }
  return linear(out.transpose(1, 2).reshape({B, T, H * D}), w.out_proj);     // [B, T, C]
}

// The MLP of one block: up, exact (erf) GELU, down. [B, T, C] -> [B, T, C].
at::Tensor mlp(const at::Tensor& x, const BlockWeights& w) {
  at::Tensor h = linear(x, w.up_proj);                                       // [B, T, F]
  return linear(at::gelu(h, "none"), w.down_proj);
}

// Evaluation mode runs every forward pass under InferenceMode (no autograd bookkeeping, whatever
// the weights' requires_grad); training mode (MptModel::set_training) leaves grad mode to the caller.
class ForwardMode {
 public:
  explicit ForwardMode(bool training) {
    if (!training) inference_.emplace();
  }

 private:
  std::optional<c10::InferenceMode> inference_;
};

// What the free functions below need from the model.
struct ForwardEnv {
  const MptConfig& c;
  const MptWeights& w;
  at::Device device;
  at::ScalarType compute_dtype;  // of activations (MptModel::State)
  bool fused;                    // MptModel::uses_fused_attention()
  // Diagnostics only (null otherwise): receives the first stage whose output holds a NaN or Inf.
  std::string* first_nonfinite;
};

// Sequences longer than max_seq_len: fine with ALiBi (warned once), an error with learned positions.
void check_length(int64_t longest, const MptConfig& c, const std::string& dir, std::atomic<bool>& warned) {
  if (longest <= c.max_seq_len) return;
  if (!c.alibi)
    throw input_error("sequence longer than the model's learned positions", dir,
                      "at most max_seq_len = " + std::to_string(c.max_seq_len) + " tokens", std::to_string(longest));
  if (!warned.exchange(true))
    MPT_LOG(Warn, "a sequence of {} tokens exceeds max_seq_len {} of {}; ALiBi extrapolates", longest, c.max_seq_len, dir);
}

// What attention may see in this call, for either attention path (AttentionContext):
// query_pos [B, T] and key_pos [B or 1, S] int64 positions, visible [B, 1, T, S] bool (broadcastable).
AttentionContext attention_context(const ForwardEnv& env, const at::Tensor& query_pos, const at::Tensor& key_pos,
                                   const at::Tensor& visible) {
  const MptConfig& c = env.c;
  const int64_t B = query_pos.size(0), T = query_pos.size(1), S = key_pos.size(1);
  AttentionContext ctx;
  at::Tensor slopes;
  if (c.alibi) {
    std::vector<float> values = alibi_slopes(c.n_heads, c.alibi_bias_max);
    slopes = at::tensor(values, at::kFloat).to(env.device).view({1, c.n_heads, 1, 1});
  }
  at::Tensor rel_pos;  // [B, 1, T, S] float32
  if (c.alibi) rel_pos = key_pos.view({key_pos.size(0), 1, 1, S}).sub(query_pos.view({B, 1, T, 1})).to(at::kFloat);
  if (env.fused) {
    ctx.bias = at::empty({B, c.n_heads, T, S}, at::TensorOptions().dtype(env.compute_dtype).device(env.device));
    if (c.alibi) at::mul_out(ctx.bias, rel_pos, slopes);  // computed in float32, rounded once to the compute dtype
    else ctx.bias.zero_();
    ctx.bias.masked_fill_(visible.logical_not(), kMaskedBias);
    return ctx;
  }
  ctx.slopes = slopes;
  ctx.rel_pos = rel_pos;
  ctx.blocked = visible.logical_not().expand({B, 1, T, S});
  return ctx;
}

// The network proper, shared by every entry point: embeddings, the blocks, the final norm.
// ids [B, T], pos [B, T] (positions, for learned position embeddings) -> hidden states [B, T, C].
at::Tensor run_blocks(const ForwardEnv& env, const at::Tensor& ids, const at::Tensor& pos, const AttentionContext& ctx,
                      const KeyValueSource& kv) {
  const MptConfig& c = env.c;
  const MptWeights& w = env.w;
  // 4. Embeddings.
  at::Tensor x = embed(w.wte, ids, env.compute_dtype);                     // [B, T, C]
  if (c.learned_pos_emb) x = x.add(embed(w.wpe, pos, x.scalar_type()));
  auto watch = [&env](const at::Tensor& t, const std::string& stage) {
    if (env.first_nonfinite && env.first_nonfinite->empty() && !t.isfinite().all().item<bool>()) *env.first_nonfinite = stage;
  };
  watch(x, "the embeddings");
  // embedding_fraction only scales gradients (x·f + x.detach()·(1 − f)); the value is x.

  // 5. The blocks: pre-norm residual attention, then pre-norm residual MLP.
  for (int64_t l = 0; l < c.n_layers; ++l) {
    const BlockWeights& bw = w.blocks[l];
    x = x.add(attention(norm(x, bw.norm_1, c), bw, c, ctx, l, kv));
    watch(x, "block " + std::to_string(l) + " (attention)");
    x = x.add(mlp(norm(x, bw.norm_2, c), bw));
    watch(x, "block " + std::to_string(l) + " (MLP)");
  }

  // 6. Final norm; unembed_impl turns (selected) rows into logits.
  x = norm(x, w.norm_f, c);                                                 // [B, T, C]
  watch(x, "the final norm");
  return x;
}

// Where right- or left-padded rows sit after `past` columns: the positions of the new tokens [B, T]
// (the number of real tokens before them in their row), the keys' positions [B, S] and what each
// query may see [B, 1, T, S]: key j of query i when j is a real token and not in i's future.
struct RowsGeometry {
  at::Tensor pos, key_pos, visible;
};
RowsGeometry rows_geometry(const ForwardEnv& env, const at::Tensor& valid, const at::Tensor& past_valid,
                           const at::Tensor& past_pos, const at::Tensor& past_count, const std::string& dir,
                           std::atomic<bool>& warned) {
  const int64_t B = valid.size(0), T = valid.size(1), P = past_valid.size(1), S = P + T;
  const auto long_opts = at::TensorOptions().dtype(at::kLong).device(env.device);
  RowsGeometry g;
  g.pos = past_count.unsqueeze(1).add(valid.cumsum(1, at::kLong)).sub(1).clamp_min(0);  // [B, T]
  // No row can be longer than its columns: the exact (device-synchronising) count only beyond that.
  if (S > env.c.max_seq_len) check_length(past_count.add(valid.sum(1)).max().item<int64_t>(), env.c, dir, warned);
  at::Tensor key_valid = at::cat({past_valid, valid}, 1);                   // [B, S]
  g.key_pos = at::cat({past_pos, g.pos}, 1);                                // [B, S]
  at::Tensor past_or_now = at::arange(S, long_opts).unsqueeze(0).le(at::arange(T, long_opts).add(P).unsqueeze(1));  // [T, S]
  g.visible = past_or_now.view({1, 1, T, S}).logical_and(key_valid.view({B, 1, 1, S}));  // [B, 1, T, S]
  return g;
}

}  // namespace

bool MptModel::uses_fused_attention() const {
  return state_->device.is_cuda() && state_->compute_dtype != at::kFloat && !options_.reference_attention &&
         fused_attention_compiled();
}

// Rows with padding anywhere, continuing a cache (extended) or a prefix (read only), or alone.
at::Tensor MptModel::forward_impl(const at::Tensor& ids, const at::Tensor& valid, KVCache* cache,
                                  const KVCache* prefix, std::string* first_nonfinite) const {
  ForwardMode mode(training_);
  const ForwardEnv env{config_, state_->weights, state_->device, state_->compute_dtype, uses_fused_attention(),
                       first_nonfinite};
  const int64_t B = ids.size(0), T = ids.size(1);

  // 1. The keys already computed: validity [B, P], positions [B, P], real tokens so far [B].
  at::Tensor past_valid, past_pos, past_count;
  if (const KVCache* past = cache ? cache : prefix) {
    past_valid = past->valid().expand({B, -1});
    past_pos = past->positions().expand({B, -1});
    past_count = past->next_position().expand({B});
  } else {
    past_valid = at::empty({B, 0}, valid.options());
    past_pos = at::empty({B, 0}, valid.options().dtype(at::kLong));
    past_count = at::zeros({B}, valid.options().dtype(at::kLong));
  }

  // 2.-3. Positions of the new tokens, and what attention may see.
  RowsGeometry g = rows_geometry(env, valid, past_valid, past_pos, past_count, dir_, state_->warned_long_sequence);
  AttentionContext ctx = attention_context(env, g.pos, g.key_pos, g.visible);

  if (cache) cache->reserve(T);
  at::Tensor hidden = run_blocks(env, ids, g.pos, ctx, [&](int64_t layer, const at::Tensor& k, const at::Tensor& v) {
    if (cache) return cache->write(layer, k, v);
    if (prefix)
      return std::make_pair(at::cat({prefix->keys(layer).expand({B, -1, -1, -1}), k}, 2),
                            at::cat({prefix->values(layer).expand({B, -1, -1, -1}), v}, 2));
    return std::make_pair(k, v);
  });
  if (cache) cache->commit(valid, g.pos);
  return hidden;
}

// Right-padded prompts from position 0 whose keys and values go into slots of a SlotCache.
at::Tensor MptModel::forward_prefill_impl(const at::Tensor& ids, const at::Tensor& valid, SlotCache& slots,
                                          const std::vector<int64_t>& into, const std::vector<int64_t>& lengths) const {
  ForwardMode mode(training_);
  const ForwardEnv env{config_, state_->weights, state_->device, state_->compute_dtype, uses_fused_attention(), nullptr};
  const int64_t B = ids.size(0);
  RowsGeometry g = rows_geometry(env, valid, at::empty({B, 0}, valid.options()), at::empty({B, 0}, valid.options().dtype(at::kLong)),
                                 at::zeros({B}, valid.options().dtype(at::kLong)), dir_, state_->warned_long_sequence);
  AttentionContext ctx = attention_context(env, g.pos, g.key_pos, g.visible);
  const at::Tensor rows = at::tensor(into, at::kLong).to(state_->device);
  at::Tensor hidden = run_blocks(env, ids, g.pos, ctx, [&](int64_t layer, const at::Tensor& k, const at::Tensor& v) {
    slots.store(layer, rows, k, v);
    return std::make_pair(k, v);
  });
  slots.occupy(into, lengths);
  return hidden;
}

// Rows of a trunk followed by branches (hidden_branched): ids, valid, positions, branch [B, T].
at::Tensor MptModel::forward_branched_impl(const at::Tensor& ids, const at::Tensor& valid, const at::Tensor& pos,
                                           const at::Tensor& branch) const {
  ForwardMode mode(training_);
  const ForwardEnv env{config_, state_->weights, state_->device, state_->compute_dtype, uses_fused_attention(), nullptr};
  const int64_t B = ids.size(0), T = ids.size(1);
  const auto long_opts = at::TensorOptions().dtype(at::kLong).device(state_->device);
  if (T > config_.max_seq_len)
    check_length(pos.masked_fill(valid.logical_not(), 0).max().item<int64_t>() + 1, config_, dir_,
                 state_->warned_long_sequence);
  // Key j is visible to query i when it is a real token, not in i's future, and in the trunk or in
  // i's own branch.
  at::Tensor causal = at::arange(T, long_opts).unsqueeze(0).le(at::arange(T, long_opts).unsqueeze(1));  // [T, T]
  at::Tensor key_branch = branch.view({B, 1, 1, T});
  at::Tensor same = key_branch.eq(0).logical_or(key_branch.eq(branch.view({B, 1, T, 1})));                // [B, 1, T, T]
  at::Tensor visible = same.logical_and(causal.view({1, 1, T, T})).logical_and(valid.view({B, 1, 1, T}));
  AttentionContext ctx = attention_context(env, pos, pos, visible);
  return run_blocks(env, ids, pos, ctx, [](int64_t, const at::Tensor& k, const at::Tensor& v) { return std::make_pair(k, v); });
}

// One decoding step of every slot (generation.cpp): ids [slots, 1].
at::Tensor MptModel::forward_slots_impl(const at::Tensor& ids, SlotCache& slots) const {
  ForwardMode mode(training_);
  const ForwardEnv env{config_, state_->weights, state_->device, state_->compute_dtype, uses_fused_attention(), nullptr};
  const auto& lengths = slots.lengths();
  check_length(*std::max_element(lengths.begin(), lengths.end()) + 1, config_, dir_, state_->warned_long_sequence);
  const at::Tensor& length = slots.begin_step();                            // [B]: the new token's position
  const int64_t B = ids.size(0), S = slots.span();
  at::Tensor pos = length.view({B, 1});                                     // [B, 1]
  at::Tensor key_pos = at::arange(S, length.options()).view({1, S});        // column j holds position j
  at::Tensor visible = key_pos.view({1, 1, 1, S}).le(length.view({B, 1, 1, 1}));  // [B, 1, 1, S]
  AttentionContext ctx = attention_context(env, pos, key_pos, visible);
  at::Tensor hidden = run_blocks(env, ids, pos, ctx, [&](int64_t layer, const at::Tensor& k, const at::Tensor& v) {
    return slots.append(layer, k, v);
  });
  slots.commit();
  return hidden;
}

at::Tensor MptModel::unembed_impl(const at::Tensor& hidden) const {
  ForwardMode mode(training_);
  const MptWeights& w = state_->weights;
  const LinearWeights& out = config_.tie_word_embeddings ? w.wte : w.lm_head;  // [V, C]
  at::Tensor logits = linear(hidden, out).to(at::kFloat);                  // [..., V]
  if (config_.logit_scale) logits.mul_(*config_.logit_scale);               // LLM Foundry; HF ignores it
  return logits;
}

}  // namespace mpt
