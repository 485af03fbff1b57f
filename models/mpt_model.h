// A loaded MPT checkpoint and its forward pass (mpt_forward.cpp), on CPU or CUDA.
//
// This header does not include ATen. Its tensor-valued methods name at::Tensor and KVCache by
// forward declaration; a translation unit that calls them includes <ATen/core/Tensor.h> and
// "models/kv_cache.h". The CLI and tests that only need logits use the std::vector methods.
//
// Scoring (the ICL runner):
//   auto model = MptModel::load(dir, {.device = "cuda", .dtype = DType::BF16});
//   at::Tensor h = model->hidden({ctx_and_cont_a, ctx_and_cont_b});   // [B, T, C], right-padded
//   at::Tensor rows = gather the positions that predict the continuation tokens ([N, C]);
//   at::Tensor logits = model->unembed(rows);                           // [N, V] float32
// Shared prefixes (multiple choice): compute the context once, then the choices against it:
//   KVCache prefix = model->new_cache(1, context.size());
//   model->hidden_extending(prefix, {context});                         // fills the cache
//   at::Tensor h = model->hidden_after(prefix, {choice_a, choice_b, choice_c});
// Generation: see generation.h.
//
// Guarantees:
//   * Padding never changes a row's results: rows are right-padded to the longest row, pad columns
//     are masked out as keys, and positions count real tokens only. In float32 on CPU a row's
//     results agree with the row alone to ~1e-6 (the tests check 1e-5); reductions over a different
//     batch shape may reorder floating-point sums, so bit-identity is not promised.
//   * Sequences longer than max_seq_len are allowed with ALiBi (the bias is built for the actual
//     length) and logged once as a warning; with learned positions they are an Input error.
//   * Token ids must lie in [0, vocab_size): an Input error names the row and column otherwise.
//   * Every method is const and may be called from several threads at once, except that one
//     KVCache may only be extended by one call at a time.
//   * Errors are mpt::Error: Input for bad checkpoints, options and ids; Runtime for libtorch
//     failures (out of memory, CUDA errors), with libtorch's message.
//
// Training (a libtorch training loop trains the very tensors the model evaluates; harness/live_eval.h):
//   for (auto& [name, p] : model->named_parameters()) p.requires_grad_(true);   // live tensors, no copy
//   torch::optim::AdamW opt(parameters);                                        // updates them in place
//   model->set_training(true);
//   at::Tensor logits = model->unembed(model->hidden(rows));                    // [B, T, V], with autograd
//   loss(logits).backward(); opt.step();
// In evaluation mode (the default) every forward pass runs under c10::InferenceMode: no autograd
// graph, whatever the parameters' requires_grad. In training mode hidden() and unembed() leave grad
// mode to the caller (the graph is recorded when it is enabled and parameters require grad); the
// cached entry points (KV caches, slot caches, generation) are for evaluation mode only.
// Dropout: MptConfig does not read attn_pdrop / resid_pdrop / emb_pdrop (accepted and ignored, see
// mpt_config.h), so training mode applies no dropout; the configs this library writes set them to 0.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/model_options.h"
#include "models/mpt_config.h"

namespace at {
class Tensor;
}

namespace mpt {

class KVCache;
class SlotCache;

using TokenIds = std::vector<int32_t>;

// A scoring row made of a shared trunk and branches that each continue the trunk (the choices of a
// multiple-choice question after its context): see MptModel::hidden_branched.
struct BranchedRow {
  TokenIds trunk;                  // at least one token
  std::vector<TokenIds> branches;  // each may be empty
};

// What loading found besides the expected tensors.
struct LoadReport {
  std::string layout;                    // "safetensors", "sharded safetensors", "torch .bin", "sharded torch .bin"
  std::vector<std::string> unexpected;   // checkpoint tensors the config does not use (logged as a warning)
  std::vector<std::string> non_tensors;  // non-tensor state-dict entries of .bin files
  std::vector<std::string> adjustments;  // config settings the tensors overrode (config_reconcile.h)
};

class MptModel {
 public:
  // Loads `dir` (config.json + weights, see checkpoint_files.h for the layouts). Every tensor the
  // config needs must be present with its exact shape and a floating-point dtype; each is converted
  // to options.dtype on options.device one at a time (or quantized to int8 from the file's values,
  // block of rows by block of rows: ModelOptions::weights), and its file pages are released
  // afterwards, so peak resident memory stays near the size of the converted weights.
  // Input errors name the file and the tensor (missing, mis-shaped, non-float, and everything the
  // readers reject) or the option (unknown device, CUDA missing, fp16 on CPU).
  static std::unique_ptr<MptModel> load(const std::string& dir, const ModelOptions& options = {});
  // A model of architecture `config` whose every tensor (norm weights included) is drawn from
  // N(0, std²) on options.device by libtorch's default generator seeded with `seed`, like the
  // Hugging Face baseline's random weights (bench/hf_mpt_baseline.py); for benchmarks of shapes
  // with no checkpoint at hand. Deterministic for a seed on one device type; dir() is "random:<seed>"
  // and files() is empty. With int8 weights, each tensor is drawn as above, then quantized.
  static std::unique_ptr<MptModel> random(const MptConfig& config, const ModelOptions& options, uint64_t seed,
                                          double std = 0.02);
  ~MptModel();
  MptModel(const MptModel&) = delete;
  MptModel& operator=(const MptModel&) = delete;

  // The config the model runs: config.json, reconciled with the checkpoint's tensors where HF
  // transformers ignored a setting when writing it (see config_reconcile.h and load_report()).
  const MptConfig& config() const { return config_; }
  const ModelOptions& options() const { return options_; }
  const std::string& dir() const { return dir_; }
  // config.json, the shard index (if any) and every weight file, as "<dir>/<name>", sorted: the
  // files whose contents identify this checkpoint (the results store hashes them).
  const std::vector<std::string>& files() const { return files_; }
  const LoadReport& load_report() const { return report_; }
  // Bytes of the weight tensors the model holds on its device: matrices (int8 ones with their
  // scales), norms, biases. Packed copies made for WeightFormat::Int8Dynamic are not tensors and
  // are not counted (see int8_linear.h for their size).
  int64_t weight_bytes() const;

  // ---- Tensor API (include <ATen/core/Tensor.h> and "models/kv_cache.h" to call these) ----

  // Final hidden states (after norm_f) of right-padded rows: [B, T, C] on the model's device in the
  // compute dtype (float32 on CPU, the model dtype on CUDA; see ModelOptions::dtype), T = the longest
  // row. Positions past a row's end are padding (finite, meaningless).
  at::Tensor hidden(const std::vector<TokenIds>& rows) const;
  // The same, with every row continuing the tokens already in `cache` (one cache row per row), and
  // these tokens appended to the cache afterwards (right-padding becomes masked cache columns).
  at::Tensor hidden_extending(KVCache& cache, const std::vector<TokenIds>& rows) const;
  // The same, attending to a computed prefix without changing it. prefix.batch() is 1 (every row
  // continues the same prefix) or rows.size() (one prefix row per row).
  at::Tensor hidden_after(const KVCache& prefix, const std::vector<TokenIds>& rows) const;
  // Rows laid out as trunk ++ branch_1 ++ branch_2 ++ ... in one pass: every branch attends to the
  // trunk and to itself only, and its positions continue after the trunk, so each branch token's
  // hidden state is that of trunk ++ branch run alone (up to float rounding). [B, T, C], right-padded;
  // T is the longest row, or more when the fused attention path wants aligned key lengths (callers
  // index the columns of each row's own tokens).
  at::Tensor hidden_branched(const std::vector<BranchedRow>& rows) const;
  // Logits of hidden states: [..., C] -> [..., V] float32 on the model's device, with logit_scale applied
  // (LLM Foundry semantics) and the tied embedding (or lm_head) as the output matrix.
  at::Tensor unembed(const at::Tensor& hidden) const;
  // An empty cache for `batch` rows, with room for `capacity` columns (it grows when needed).
  KVCache new_cache(int64_t batch, int64_t capacity) const;

  // A cache of `slots` sequences of up to `capacity` tokens each, for continuous batching.
  SlotCache new_slot_cache(int64_t slots, int64_t capacity) const;
  // Runs prompts (each at most the cache's capacity) from position 0 and stores their keys and
  // values in slots `into` (one per prompt), replacing what those slots held. Returns the hidden
  // states [n, T, C] of the right-padded prompts.
  at::Tensor prefill_slots(const std::vector<TokenIds>& prompts, const std::vector<int64_t>& into, SlotCache& slots) const;
  // One decoding step of every slot: ids [slots, 1] int64 on the model's device (any id for a free
  // slot) -> hidden states [slots, 1, C]; each occupied slot's new token is appended to it.
  at::Tensor forward_slots(const at::Tensor& ids, SlotCache& slots) const;
  // Whether attention runs through libtorch's fused kernel (CUDA, bf16/fp16, libtorch >= 2.1, not
  // ModelOptions::reference_attention) rather than the explicit float32-softmax path.
  bool uses_fused_attention() const;

  // Low level, for generation: ids [B, T] int64 and valid [B, T] bool on the model's device, padding
  // anywhere (valid false). At most one of `cache` (read and extended) and `prefix` (read only).
  // Ids must already be in range. Returns hidden states [B, T, C].
  at::Tensor forward(const at::Tensor& ids, const at::Tensor& valid, KVCache* cache = nullptr,
                     const KVCache* prefix = nullptr) const;

  // ---- Training (include <ATen/core/Tensor.h>; see the top of this file) ----

  // Every weight tensor the forward pass reads, by checkpoint name, in checkpoint order: the live
  // tensors (same storage, no copy), so changing them in place changes what the model computes.
  // A non-fused checkpoint's Wq/Wk/Wv appear as the fused "...attn.Wqkv.weight" they were
  // concatenated into; absent tensors (biases with no_bias, wpe without learned positions, lm_head
  // when tied) are not listed. The tensors are ordinary (not inference) tensors, so a caller may
  // set requires_grad on them and train them. Input error for a model with int8 weights.
  std::vector<std::pair<std::string, at::Tensor>> named_parameters();
  // Training mode: see the top of this file. Not thread-safe against concurrent forward passes.
  void set_training(bool training) { training_ = training; }
  bool training() const { return training_; }

  // ---- std::vector API (no ATen needed) ----

  // Float32 logits of one sequence: [T][V].
  std::vector<std::vector<float>> logits(const TokenIds& ids) const;
  // Diagnostics after a NaN/Inf output: runs `row` alone and names the first stage whose output is
  // not finite ("the embeddings", "block 3 (attention)", "block 3 (MLP)", "the final norm",
  // "the unembedding"), or "" when every stage is finite. Costs one forward pass with a
  // device-synchronising check per stage; not for the hot path.
  std::string first_nonfinite_stage(const TokenIds& row) const;

  // Float32 logits of several sequences computed as one right-padded batch: [B][len_b][V].
  std::vector<std::vector<std::vector<float>>> logits(const std::vector<TokenIds>& rows) const;

 private:
  MptModel();
  struct State;  // device, dtype, weights (ATen), defined in mpt_model.cpp
  static std::unique_ptr<State> new_state(const ModelOptions& options);  // device and dtypes checked

  at::Tensor forward_impl(const at::Tensor& ids, const at::Tensor& valid, KVCache* cache, const KVCache* prefix,
                          std::string* first_nonfinite = nullptr) const;  // mpt_forward.cpp
  at::Tensor forward_branched_impl(const at::Tensor& ids, const at::Tensor& valid, const at::Tensor& positions,
                                   const at::Tensor& branch) const;               // mpt_forward.cpp
  at::Tensor forward_prefill_impl(const at::Tensor& ids, const at::Tensor& valid, SlotCache& slots,
                                  const std::vector<int64_t>& into, const std::vector<int64_t>& lengths) const;
  at::Tensor forward_slots_impl(const at::Tensor& ids, SlotCache& slots) const;  // mpt_forward.cpp
  at::Tensor unembed_impl(const at::Tensor& hidden) const;  // mpt_forward.cpp

  MptConfig config_;
  ModelOptions options_;
  std::string dir_;
  std::vector<std::string> files_;
  LoadReport report_;
  std::unique_ptr<State> state_;
  bool training_ = false;
};

}  // namespace mpt
