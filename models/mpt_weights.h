// The weights of a loaded MPT model, and MptModel's private state, as libtorch tensors on the
// model's device in its dtype.
// Internal to models/ (mpt_model.cpp loads them, mpt_forward.cpp uses them). Shapes use the
// legend of mpt_forward.cpp; an undefined tensor means "absent" (e.g. biases with no_bias).
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <atomic>
#include <vector>

#include "models/mpt_model.h"

namespace mpt {

struct NormWeights {
  at::Tensor weight;  // [width]
  at::Tensor bias;    // [width] or undefined
};

struct LinearWeights {
  at::Tensor weight;  // [out, in]
  at::Tensor bias;    // [out] or undefined
};

struct BlockWeights {
  NormWeights norm_1;        // [C]
  LinearWeights wqkv;        // [(H + 2K)·D, C]: rows q | k | v (a non-fused checkpoint is concatenated)
  NormWeights q_ln, k_ln;    // [H·D], [K·D]: only with qk_ln
  LinearWeights out_proj;    // [C, H·D]
  NormWeights norm_2;        // [C]
  LinearWeights up_proj;     // [F, C]
  LinearWeights down_proj;   // [C, F]
};

struct MptWeights {
  at::Tensor wte;            // [V, C]
  at::Tensor wpe;            // [max_seq_len, C]: only with learned_pos_emb
  std::vector<BlockWeights> blocks;
  NormWeights norm_f;        // [C]
  at::Tensor lm_head;        // [V, C]: only when tie_word_embeddings is false
};

}  // namespace mpt

namespace mpt {

// What MptModel keeps behind its ATen-free header.
struct MptModel::State {
  at::Device device{at::kCPU};
  at::ScalarType dtype = at::kFloat;          // of the weights
  at::ScalarType compute_dtype = at::kFloat;  // of activations and the KV cache: dtype on CUDA, float32 on CPU
  MptWeights weights;
  mutable std::atomic<bool> warned_long_sequence{false};
};

}  // namespace mpt
