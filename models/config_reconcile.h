// Reconciling a config with the tensors a checkpoint actually holds.
//
// Hugging Face transformers' MptForCausalLM ignores several MPT settings when it builds and saves a
// model: it never has biases (whatever no_bias says), never has q_ln/k_ln (qk_ln), always uses a
// fused multi-head Wqkv (attn_type, kv_n_heads, fused_qkv), an FFN of width 4·d_model
// (expansion_ratio) and ALiBi without learned positions (alibi, learned_pos_emb). A checkpoint it
// wrote therefore contradicts such a config, and HF computes it as its tensors say. So that
// mpt-eval computes what HF computes for those checkpoints, and what LLM Foundry computes for
// checkpoints that do hold the tensors, these settings follow the tensors when the evidence is
// unambiguous (each adjustment is logged as a warning and reported):
//   * no tensor named *.bias at all            -> no_bias = true, attention_bias = false
//   * no attn.q_ln / attn.k_ln tensors           -> qk_ln = false
//   * attn.Wqkv present instead of Wq/Wk/Wv      -> fused_qkv = true
//   * Wqkv of block 0 has 3·d_model rows         -> kv_n_heads = n_heads (multi-head)
//   * up_proj of block 0 has F rows              -> ffn_hidden = F
//   * no transformer.wpe under learned positions -> ALiBi, no learned positions (HF always uses ALiBi)
// Anything else that disagrees (another block's shapes, a missing weight) stays an error when the
// weights are loaded. logit_scale and norm_type leave no trace in the tensors and follow the config
// (LLM Foundry semantics). No ATen here.
#pragma once

#include <string>
#include <vector>

#include "models/mpt_config.h"

namespace mpt {

class CheckpointFiles;

// Returns the config to load `ckpt` with; appends one sentence per adjustment to `adjustments`.
MptConfig reconcile_config(const MptConfig& config, const CheckpointFiles& ckpt, std::vector<std::string>& adjustments);

}  // namespace mpt
