// The weights of a loaded MPT model, and MptModel's private state, as libtorch tensors on the
// model's device in its dtype.
// Internal to models/ (mpt_model.cpp loads them, mpt_forward.cpp uses them). Shapes use the
// legend of mpt_forward.cpp; an undefined tensor means "absent" (e.g. biases with no_bias).
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <atomic>
#include <memory>
#include <vector>

#include "models/mpt_model.h"

namespace mpt {

struct NormWeights {
  at::Tensor weight;  // [width]
  at::Tensor bias;    // [width] or undefined
};

struct PackedInt8Matrix;  // int8_linear.h

struct LinearWeights {
  at::Tensor weight;  // [out, in]: the model dtype, or int8 with `scale` (ModelOptions::weights)
  at::Tensor scale;   // [out] float32 with int8 weights: row o stands for weight[o]·scale[o]; else undefined
  at::Tensor bias;    // [out] or undefined (model dtype)
  std::shared_ptr<const PackedInt8Matrix> packed;  // WeightFormat::Int8Dynamic: the engine's packed copy
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
  LinearWeights wte;         // [V, C] (no bias): the embedding, and the tied unembedding
  LinearWeights wpe;         // [max_seq_len, C] (no bias): only with learned_pos_emb
  std::vector<BlockWeights> blocks;
  NormWeights norm_f;        // [C]
  LinearWeights lm_head;     // [V, C] (no bias): only when tie_word_embeddings is false
};

}  // namespace mpt

namespace mpt {

// What MptModel keeps behind its ATen-free header.
struct MptModel::State {
  at::Device device{at::kCPU};
  at::ScalarType dtype = at::kFloat;          // of the weights (those not int8: see ModelOptions::weights)
  at::ScalarType compute_dtype = at::kFloat;  // of activations and the KV cache: dtype on CUDA, float32 on CPU
  MptWeights weights;
  mutable std::atomic<bool> warned_long_sequence{false};
};

}  // namespace mpt
