#include "models/mpt_tensors.h"

namespace mpt {

std::vector<TensorSpec> checkpoint_tensors(const MptConfig& c) {
  using Init = TensorSpec::Init;
  const int64_t C = c.d_model, D = c.head_dim(), H = c.n_heads, K = c.kv_n_heads, F = c.ffn_hidden;
  const bool norm_bias = !c.no_bias && c.norm_type == NormType::LayerNorm;
  std::vector<TensorSpec> out;
  auto norm = [&](const std::string& name, int64_t width) {
    out.push_back({name + ".weight", {width}, Init::One});
    if (norm_bias) out.push_back({name + ".bias", {width}, Init::Zero});
  };
  auto linear = [&](const std::string& name, int64_t rows, int64_t cols, bool bias, Init init) {
    out.push_back({name + ".weight", {rows, cols}, init});
    if (bias) out.push_back({name + ".bias", {rows}, Init::Zero});
  };

  out.push_back({"transformer.wte.weight", {c.vocab_size, C}, Init::Normal});
  if (c.learned_pos_emb) out.push_back({"transformer.wpe.weight", {c.max_seq_len, C}, Init::Normal});
  for (int64_t i = 0; i < c.n_layers; ++i) {
    std::string b = "transformer.blocks." + std::to_string(i);
    norm(b + ".norm_1", C);
    if (c.fused_qkv) {
      linear(b + ".attn.Wqkv", (H + 2 * K) * D, C, c.attention_bias, Init::Normal);
    } else {
      linear(b + ".attn.Wq", H * D, C, c.attention_bias, Init::Normal);
      linear(b + ".attn.Wk", K * D, C, c.attention_bias, Init::Normal);
      linear(b + ".attn.Wv", K * D, C, c.attention_bias, Init::Normal);
    }
    if (c.qk_ln) {
      norm(b + ".attn.q_ln", H * D);
      norm(b + ".attn.k_ln", K * D);
    }
    linear(b + ".attn.out_proj", C, H * D, !c.no_bias, Init::Residual);
    norm(b + ".norm_2", C);
    linear(b + ".ffn.up_proj", F, C, !c.no_bias, Init::Normal);
    linear(b + ".ffn.down_proj", C, F, !c.no_bias, Init::Residual);
  }
  norm("transformer.norm_f", C);
  if (!c.tie_word_embeddings) out.push_back({"lm_head.weight", {c.vocab_size, C}, Init::Normal});
  return out;
}

int64_t parameter_count(const MptConfig& config) {
  int64_t n = 0;
  for (const auto& t : checkpoint_tensors(config)) {
    int64_t e = 1;
    for (int64_t d : t.shape) e *= d;
    n += e;
  }
  return n;
}

}  // namespace mpt
