// Attention through libtorch's fused scaled_dot_product_attention (SDPA), the CUDA fast path of
// the forward pass (mpt_forward.cpp): no [B, H, T, S] float32 scores in memory, one kernel per
// layer. ALiBi and the masks enter as one additive bias tensor, which rules out libtorch's flash
// kernel (no bias support); SDPA then picks cuDNN's or the memory-efficient kernel, whichever
// accepts the inputs first in its priority order.
//
// Only libtorch >= 2.1 has the operator with a float mask and a `scale` argument; with older
// libtorch (Debian's 1.13) fused_attention_compiled() is false and the forward pass keeps its
// explicit matmul-softmax-matmul path. No ATen in this header (at::Tensor is declared only), so
// that the CLI can set the kernel choice without ATen headers.
#pragma once

#include <string>
#include <vector>

namespace at {
class Tensor;
}

namespace mpt {

// True when this binary was compiled against a libtorch with the fused operator.
bool fused_attention_compiled();

// softmax(q·kᵀ·scale + bias)·v with the softmax in float32. q [B, H, T, D]; k, v [B, H, S, D];
// bias [B, H, T, S] in q's dtype (finite: masked entries hold a large negative number, so rows
// without any visible key stay finite). Keep S a multiple of 16 and bias contiguous: otherwise
// libtorch pads a copy of the bias on every call. Returns [B, H, T, D].
// Runtime error when !fused_attention_compiled().
at::Tensor fused_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& bias,
                           double scale);

// Limits which of libtorch's SDPA kernels may be chosen, process-wide (a benchmark knob): names
// among "flash", "efficient", "cudnn", "math"; an empty list enables all of them (libtorch's
// default). Input error for an unknown name or one this libtorch lacks; Runtime error when
// !fused_attention_compiled().
void restrict_sdpa_backends(const std::vector<std::string>& names);

}  // namespace mpt
