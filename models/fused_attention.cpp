#include "models/fused_attention.h"

#include <ATen/Context.h>
#include <ATen/core/Tensor.h>
#include <torch/csrc/api/include/torch/version.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/error.h"

// at::scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal, scale) exists from
// libtorch 2.1 (2.0 has no `scale`; later versions add `enable_gqa` with a default).
#define MPTEVAL_HAS_SDPA (TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1))
// Context::setSDPUseCuDNN: libtorch 2.3 and later.
#define MPTEVAL_HAS_SDPA_CUDNN (TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3))

#if MPTEVAL_HAS_SDPA
#include <ATen/ops/scaled_dot_product_attention.h>
#endif

namespace mpt {

bool fused_attention_compiled() { return MPTEVAL_HAS_SDPA; }

at::Tensor fused_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& bias,
                           double scale) {
#if MPTEVAL_HAS_SDPA
  return at::scaled_dot_product_attention(q, k, v, bias, /*dropout_p=*/0.0, /*is_causal=*/false, scale);
#else
  throw runtime_error("fused attention is not compiled in", "libtorch " TORCH_VERSION, "libtorch >= 2.1", TORCH_VERSION);
#endif
}

void restrict_sdpa_backends(const std::vector<std::string>& names) {
  static const std::vector<std::string> known = {"flash", "efficient", "cudnn", "math"};
  for (const std::string& n : names)
    if (std::find(known.begin(), known.end(), n) == known.end())
      throw input_error("unknown attention kernel", "--sdpa", "flash, efficient, cudnn or math", n);
#if MPTEVAL_HAS_SDPA
  auto on = [&](const char* n) { return names.empty() || std::find(names.begin(), names.end(), n) != names.end(); };
  at::Context& ctx = at::globalContext();
  ctx.setSDPUseFlash(on("flash"));
  ctx.setSDPUseMemEfficient(on("efficient"));
  ctx.setSDPUseMath(on("math"));
#if MPTEVAL_HAS_SDPA_CUDNN
  ctx.setSDPUseCuDNN(on("cudnn"));
#else
  if (!names.empty() && on("cudnn"))
    throw input_error("this libtorch has no cuDNN attention", "--sdpa", "libtorch >= 2.3", TORCH_VERSION);
#endif
#else
  if (!names.empty())
    throw runtime_error("fused attention is not compiled in", "libtorch " TORCH_VERSION, "libtorch >= 2.1", TORCH_VERSION);
#endif
}

}  // namespace mpt
