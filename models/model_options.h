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
  // fp16 is refused on CPU (libtorch 1.13's CPU kernels have no fp16 matmul); fp32 and bf16 work
  // everywhere, fp16 on CUDA.
  DType dtype = DType::F32;
};

}  // namespace mpt
