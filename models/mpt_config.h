// The architecture of one MPT checkpoint, read from its config.json.
//
// Both flavours of config.json are understood:
//   * Hugging Face transformers (`model_type: "mpt"`, `layer_norm_epsilon`, attn_config as written by
//     MptConfig.to_dict()), and
//   * LLM Foundry / `trust_remote_code` (`norm_eps`, `ffn_config`, `fc_type`, `auto_map`, ...).
// Every setting that changes the forward pass is either honoured or rejected with an Input error
// naming the key (never silently ignored). Settings that only matter for training (dropout,
// init_config, attn_impl, init_device, use_cache, ...) are accepted and have no effect.
// This header and its source do not include ATen.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace mpt {

enum class NormType { LayerNorm, RmsNorm };

struct MptConfig {
  int64_t d_model = 0;           // C
  int64_t n_heads = 0;           // H: query heads
  int64_t kv_n_heads = 0;        // K: key/value heads (== n_heads for multi-head attention, 1 for MQA)
  int64_t n_layers = 0;
  int64_t ffn_hidden = 0;        // F: d_model * expansion_ratio, or ffn_config.ffn_hidden_size
  int64_t max_seq_len = 0;       // longer sequences are allowed with ALiBi (with a warning)
  int64_t vocab_size = 0;        // V
  bool no_bias = true;           // no biases in linears and norms
  bool attention_bias = false;   // bias on Wqkv (LLM Foundry's `attention_bias`, default !no_bias)
  NormType norm_type = NormType::LayerNorm;
  double norm_eps = 1e-5;        // `layer_norm_epsilon` (HF) or `norm_eps` (LLM Foundry)
  std::optional<double> logit_scale;  // resolved: "inv_sqrt_d_model" becomes 1/sqrt(d_model)
  double embedding_fraction = 1.0;    // training-only gradient trick; no effect on the forward pass
  bool learned_pos_emb = false;  // a `transformer.wpe` table (only when ALiBi is off, as in LLM Foundry)
  bool tie_word_embeddings = true;    // false: a separate `lm_head.weight`
  bool fused_qkv = true;         // false: separate Wq / Wk / Wv tensors in the checkpoint
  // attn_config
  bool alibi = true;
  double alibi_bias_max = 8;
  std::optional<double> clip_qkv;     // clamp q, k, v to [-clip_qkv, clip_qkv]
  bool qk_ln = false;            // norm over all of q (H*D) and of k (K*D), same norm type as the blocks
  double softmax_scale = 0;      // resolved: default 1/sqrt(d_model/n_heads)
  bool attn_uses_sequence_id = false;  // accepted: every row of a batch is one sequence
  std::string torch_dtype;       // as written in config.json ("float32", "bfloat16", ...) or ""

  int64_t head_dim() const { return d_model / n_heads; }  // D

  // Reads `path` (a config.json); errors name the file and the key.
  static MptConfig from_file(const std::string& path);
  // Validates and resolves a parsed config; `where` names its origin in errors.
  static MptConfig from_json(const nlohmann::json& j, const std::string& where);
  // The config.json this library writes (HF-transformers flavour, plus attn_config keys HF ignores
  // such as qk_ln and kv_n_heads, which LLM Foundry and this loader read). from_json(to_json()) == *this.
  nlohmann::json to_json() const;

  // Named architectures for `mpt-eval init --shape`:
  //   tiny      d_model 64,   4 heads,  2 layers, vocab 320 (like the test fixtures), max_seq_len 2048
  //   mpt-125m  d_model 768,  12 heads, 12 layers, vocab 50432, max_seq_len 2048
  //   mpt-350m  d_model 1024, 16 heads, 24 layers, vocab 50432, max_seq_len 2048
  //   mpt-7b    d_model 4096, 32 heads, 32 layers, vocab 50432, max_seq_len 2048 (HF mosaicml/mpt-7b)
  //   mpt-30b   d_model 7168, 64 heads, 48 layers, vocab 50432, max_seq_len 8192 (HF mosaicml/mpt-30b)
  // All: no_bias, low-precision LayerNorm, ALiBi (alibi_bias_max 8), expansion_ratio 4, tied embeddings.
  // Throws an Input error listing the names for an unknown one.
  static MptConfig preset(const std::string& name);
  static const char* preset_names();  // "tiny|mpt-125m|mpt-350m|mpt-7b|mpt-30b"

  bool operator==(const MptConfig&) const = default;
};

}  // namespace mpt
