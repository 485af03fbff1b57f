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
