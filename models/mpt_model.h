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
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/model_options.h"
#include "models/mpt_config.h"

namespace at {
class Tensor;
}

namespace mpt {

class KVCache;

using TokenIds = std::vector<int32_t>;

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
  // to options.dtype on options.device one at a time, and its file pages are released afterwards,
  // so peak resident memory stays near the size of the converted weights.
  // Input errors name the file and the tensor (missing, mis-shaped, non-float, and everything the
  // readers reject) or the option (unknown device, CUDA missing, fp16 on CPU).
  static std::unique_ptr<MptModel> load(const std::string& dir, const ModelOptions& options = {});
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
  // Logits of hidden states: [..., C] -> [..., V] float32 on the model's device, with logit_scale applied
  // (LLM Foundry semantics) and the tied embedding (or lm_head) as the output matrix.
  at::Tensor unembed(const at::Tensor& hidden) const;
  // An empty cache for `batch` rows, with room for `capacity` columns (it grows when needed).
  KVCache new_cache(int64_t batch, int64_t capacity) const;

  // Low level, for generation: ids [B, T] int64 and valid [B, T] bool on the model's device, padding
  // anywhere (valid false). At most one of `cache` (read and extended) and `prefix` (read only).
  // Ids must already be in range. Returns hidden states [B, T, C].
  at::Tensor forward(const at::Tensor& ids, const at::Tensor& valid, KVCache* cache = nullptr,
                     const KVCache* prefix = nullptr) const;

  // ---- std::vector API (no ATen needed) ----

  // Float32 logits of one sequence: [T][V].
  std::vector<std::vector<float>> logits(const TokenIds& ids) const;
  // Float32 logits of several sequences computed as one right-padded batch: [B][len_b][V].
  std::vector<std::vector<std::vector<float>>> logits(const std::vector<TokenIds>& rows) const;

 private:
  MptModel();
  struct State;  // device, dtype, weights (ATen), defined in mpt_model.cpp

  at::Tensor forward_impl(const at::Tensor& ids, const at::Tensor& valid, KVCache* cache,
                          const KVCache* prefix) const;  // mpt_forward.cpp
  at::Tensor unembed_impl(const at::Tensor& hidden) const;  // mpt_forward.cpp

  MptConfig config_;
  ModelOptions options_;
  std::string dir_;
  std::vector<std::string> files_;
  LoadReport report_;
  std::unique_ptr<State> state_;
};

}  // namespace mpt
