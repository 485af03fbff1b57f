// How a checkpoint is loaded: which device and which floating-point type the weights and
// activations use. No ATen here, so the CLI can parse options without pulling in libtorch headers.
#pragma once

#include <string>

namespace mpt {

enum class DType { F32, BF16, F16 };

// "fp32", "bf16", "fp16"
const char* dtype_name(DType t);
// Accepts fp32|float32, bf16|bfloat16, fp16|float16|half. Input error naming `where` otherwise.
DType parse_dtype(const std::string& text, const std::string& where);

// How the weights of the linear layers (attention Wqkv and out_proj, the MLP's up and down
// projections) and the embedding matrices (wte, also the tied unembedding; lm_head; wpe) are held.
//   Native       in `dtype`, as today.
//   Int8         weight-only int8: each matrix quantized while loading, one tensor at a time, to
//                symmetric per-output-channel (per-row) absmax int8 with float32 scales
//                (w[o, i] ~ q[o, i] * scale[o], scale[o] = max_i |w[o, i]| / 127). Activations stay in
//                the compute dtype; each layer's weight is dequantized into a scratch tensor of the
//                compute dtype when it is used (int8_linear.h). CPU, and CUDA (compiled, untested).
//   Int8Dynamic  the same int8 weights, multiplied by fbgemm's dynamically quantized linear
//                (libtorch's quantized::linear_dynamic): activations are quantized to 8 bits per
//                tensor on the fly, so results carry an activation rounding error as well. CPU only.
// Norms and biases stay in `dtype`.
enum class WeightFormat { Native, Int8, Int8Dynamic };

// "native", "int8", "int8-dynamic"
const char* weight_format_name(WeightFormat f);
// Accepts the names above. Input error naming `where` otherwise.
WeightFormat parse_weight_format(const std::string& text, const std::string& where);

struct ModelOptions {
  // "cpu", "cuda" (device 0) or "cuda:N". Checked at load: Input error when libtorch has no CUDA,
  // when no device is visible, or N is out of range.
  std::string device = "cpu";
  // The dtype of the weights. On CUDA activations and the KV cache use it too (bf16/fp16 compute,
  // float32 softmax). On CPU activations are always float32 (libtorch's CPU bf16 kernels are 2-20x
  // slower than float32 without native bf16 instructions): bf16 halves the weights' memory, and
  // its results are the float32 model's with bf16-rounded weights. fp16 is refused on CPU
  // (libtorch 1.13's CPU kernels have no fp16 matmul).
  DType dtype = DType::F32;
  // See WeightFormat. Not Native: the model is for evaluation only (named_parameters() refuses).
  WeightFormat weights = WeightFormat::Native;
  // With int8 weights: quantize the embeddings too (wte, which is also the tied unembedding, lm_head
  // and wpe). False keeps them in `dtype` (its effect is measured in docs/model.md; not a CLI option).
  bool int8_embedding = true;
  // CPU threads for ATen's intra-op parallelism (matmuls, elementwise ops), set process-wide when a
  // model is loaded on CPU. 0 = leave ATen's setting: OMP_NUM_THREADS when set, else the physical
  // cores its cpuinfo library sees (1 on this project's 2-vCPU build machine). More threads than
  // idle cores make OpenMP barriers stall (seconds per forward pass on a busy machine).
  int threads = 0;
  // Attention through the explicit matmul / float32 softmax / matmul path even where the fused
  // kernel would run (CUDA in bf16/fp16): for comparing the two (tests/models/cuda_test.cpp).
  bool reference_attention = false;
};

}  // namespace mpt
