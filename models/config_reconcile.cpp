#include "models/config_reconcile.h"

#include <cmath>

#include "models/checkpoint_files.h"

namespace mpt {

MptConfig reconcile_config(const MptConfig& config, const CheckpointFiles& ckpt, std::vector<std::string>& adjustments) {
  MptConfig c = config;
  const std::string block0 = "transformer.blocks.0.";
  const std::vector<std::string> names = ckpt.names();
  auto any_ending = [&](const std::string& suffix) {
    for (const auto& n : names)
      if (n.size() >= suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0) return true;
    return false;
  };

  if ((!c.no_bias || c.attention_bias) && !any_ending(".bias")) {
    c.no_bias = true;
    c.attention_bias = false;
    adjustments.push_back("the config asks for biases but the checkpoint has none (as HF transformers writes MPT): no biases");
  }
  if (c.qk_ln && !any_ending(".attn.q_ln.weight") && !any_ending(".attn.k_ln.weight")) {
    c.qk_ln = false;
    adjustments.push_back("qk_ln is set but the checkpoint has no q_ln/k_ln weights (as HF transformers writes MPT): no qk_ln");
  }
  if (!c.fused_qkv && ckpt.find(block0 + "attn.Wqkv.weight") && !ckpt.find(block0 + "attn.Wq.weight")) {
    c.fused_qkv = true;
    adjustments.push_back("fused_qkv is false but the checkpoint has a fused Wqkv: using it");
  }
  if (const RawTensor* wqkv = ckpt.find(block0 + "attn.Wqkv.weight");
      wqkv && c.fused_qkv && wqkv->shape.size() == 2 && c.kv_n_heads != c.n_heads && wqkv->shape[0] == 3 * c.d_model) {
    adjustments.push_back("the config asks for " + std::to_string(c.kv_n_heads) + " key/value heads but Wqkv has 3·d_model rows " +
                          "(multi-head attention, as HF transformers writes MPT): " + std::to_string(c.n_heads) + " key/value heads");
    c.kv_n_heads = c.n_heads;
  }
  if (const RawTensor* up = ckpt.find(block0 + "ffn.up_proj.weight");
      up && up->shape.size() == 2 && up->shape[0] > 0 && up->shape[1] == c.d_model && up->shape[0] != c.ffn_hidden) {
    adjustments.push_back("the config's FFN width is " + std::to_string(c.ffn_hidden) + " but up_proj has " +
                          std::to_string(up->shape[0]) + " rows (HF transformers always uses 4·d_model): width " +
                          std::to_string(up->shape[0]));
    c.ffn_hidden = up->shape[0];
  }
  if (c.learned_pos_emb && !ckpt.find("transformer.wpe.weight")) {
    c.learned_pos_emb = false;
    c.alibi = true;
    adjustments.push_back("the config asks for learned positions but the checkpoint has no transformer.wpe (HF transformers "
                          "always uses ALiBi): ALiBi");
  }
  return c;
}

}  // namespace mpt
