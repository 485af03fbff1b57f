// The tensors an MPT checkpoint holds, by Hugging Face name, derived from its config.
//
//   transformer.wte.weight                     [V, C]
//   transformer.wpe.weight                     [max_seq_len, C]          only with learned_pos_emb
//   transformer.blocks.{i}.norm_1.weight       [C]        (.bias [C] unless no_bias; RMSNorm never has one)
//   transformer.blocks.{i}.attn.Wqkv.weight    [(H + 2K)·D, C]           q | k | v rows, heads contiguous
//   transformer.blocks.{i}.attn.Wqkv.bias      [(H + 2K)·D]              with attention_bias
//     (fused_qkv false: attn.Wq [H·D, C], attn.Wk [K·D, C], attn.Wv [K·D, C] and their biases)
//   transformer.blocks.{i}.attn.q_ln.weight    [H·D], attn.k_ln.weight [K·D]   with qk_ln (+ biases)
//   transformer.blocks.{i}.attn.out_proj.weight [C, H·D]                 (.bias [C])
//   transformer.blocks.{i}.norm_2.weight       [C]        (.bias)
//   transformer.blocks.{i}.ffn.up_proj.weight  [F, C]     (.bias [F])
//   transformer.blocks.{i}.ffn.down_proj.weight [C, F]    (.bias [C])
//   transformer.norm_f.weight                  [C]        (.bias)
//   lm_head.weight                             [V, C]     only when tie_word_embeddings is false
// No ATen here: the loader, the checkpoint writer and the tests' naive reference share this list.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/mpt_config.h"

namespace mpt {

struct TensorSpec {
  std::string name;
  std::vector<int64_t> shape;
  enum class Init { Normal, Residual, One, Zero } init;  // how `mpt-eval init` fills it
};

// Every tensor the checkpoint must contain, in a fixed order (embeddings, blocks, final norm, head).
std::vector<TensorSpec> checkpoint_tensors(const MptConfig& config);

// Sum of the element counts of checkpoint_tensors().
int64_t parameter_count(const MptConfig& config);

}  // namespace mpt
