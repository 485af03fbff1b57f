// Int8 weights: row-wise quantization, and the int8 linear layer in its two forms (int8_linear.h).
#include "models/int8_linear.h"

#include <ATen/Context.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/ivalue.h>
#include <ATen/ops/_make_per_channel_quantized_tensor.h>
#include <ATen/ops/embedding.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/mm.h>
#include <ATen/ops/zeros.h>

#include <algorithm>
#include <vector>

#include "common/error.h"

namespace mpt {

struct PackedInt8Matrix {
  c10::IValue params;  // LinearPackedParamsBase (a TorchScript custom class), as the dispatcher returns it
};

namespace {

// Rows quantized per block: the float32 scratch of one block stays ~16 MiB whatever the matrix size
// (MPT-7B's embedding is 50432 x 4096: 0.8 GB in float32 at once).
constexpr int64_t kBlockElements = int64_t{1} << 22;

// The weight-only CPU linear converts a block of rows of this many elements at a time (4 MiB in
// float32). Converting a whole matrix per call allocates a fresh 4x-sized scratch every time (glibc
// maps allocations this large anew, so each call also pays page faults: 138 s of system time in a
// 4-request MPT-7B run) and streams it through memory once more; a block stays in cache, and its
// buffer is reused from the heap.
constexpr int64_t kLinearBlockElements = int64_t{1} << 20;

// x2 [N, in] times the dequantized rows of q, one block of rows at a time, into y2 [N, out]
// (y2 must not be scaled yet: the caller scales the columns).
void blocked_product(const at::Tensor& x2, const at::Tensor& q, at::Tensor& y2) {
  const int64_t out = q.size(0), in = q.size(1);
  const int64_t block = std::max<int64_t>(1, kLinearBlockElements / std::max<int64_t>(in, 1));
  for (int64_t r = 0; r < out; r += block) {
    const int64_t n = std::min(block, out - r);
    at::Tensor columns = y2.narrow(1, r, n);  // [N, n], row stride `out`: BLAS writes it in place
    at::mm_out(columns, x2, q.narrow(0, r, n).to(x2.scalar_type()).t());
  }
}

}  // namespace

std::pair<at::Tensor, at::Tensor> quantize_rows(const at::Tensor& w, const std::string& where) {
  const int64_t rows = w.size(0), cols = w.size(1);
  at::Tensor q = at::empty({rows, cols}, w.options().dtype(at::kChar));
  at::Tensor scale = at::empty({rows}, w.options().dtype(at::kFloat));
  const int64_t block = std::max<int64_t>(1, kBlockElements / std::max<int64_t>(cols, 1));
  for (int64_t r = 0; r < rows; r += block) {
    const int64_t n = std::min(block, rows - r);
    // [n, cols] float32 scratch: always a copy (w may be a read-only memory map, and is divided in place below).
    at::Tensor wf = w.narrow(0, r, n).to(at::kFloat, /*non_blocking=*/false, /*copy=*/true);
    at::Tensor absmax = wf.abs().amax(1);                       // [n]
    if (!absmax.isfinite().all().item<bool>())
      throw input_error("tensor holds NaN or infinite values and cannot be quantized to int8", where,
                        "finite weights", "a non-finite value in rows " + std::to_string(r) + ".." + std::to_string(r + n - 1));
    // An all-zero row: any scale represents it; 1 keeps the division finite.
    at::Tensor s = absmax.div(127.0).masked_fill_(absmax.eq(0), 1.0);
    // |w / s| <= 127 by construction; the clamp only guards against rounding up at the boundary.
    q.narrow(0, r, n).copy_(wf.div_(s.unsqueeze(1)).round_().clamp_(-127, 127));
    scale.narrow(0, r, n).copy_(s);
  }
  return {q, scale};
}

at::Tensor dequantize_rows(const at::Tensor& q, const at::Tensor& scale, at::ScalarType dtype) {
  return q.to(at::kFloat).mul_(scale.unsqueeze(1)).to(dtype);
}

bool dynamic_int8_available() { return at::globalContext().qEngine() != at::QEngine::NoQEngine; }

std::shared_ptr<const PackedInt8Matrix> pack_int8(const LinearWeights& w) {
  // A per-channel quantized tensor over our int8 values and scales (zero points 0: symmetric), so the
  // engine multiplies by exactly the matrix quantize_rows made.
  const int64_t rows = w.weight.size(0);
  at::Tensor qt = at::_make_per_channel_quantized_tensor(w.weight.contiguous(), w.scale.to(at::kDouble),
                                                         at::zeros({rows}, at::kLong), /*axis=*/0);
  static const c10::OperatorHandle prepack =
      c10::Dispatcher::singleton().findSchemaOrThrow("quantized::linear_prepack", "");
  std::vector<c10::IValue> stack{qt, c10::IValue()};  // weight, no bias (int8_linear adds it)
  prepack.callBoxed(&stack);
  return std::make_shared<const PackedInt8Matrix>(PackedInt8Matrix{stack.at(0)});
}

at::Tensor int8_linear(const at::Tensor& x, const LinearWeights& w) {
  at::Tensor y;
  if (w.packed) {
    // libtorch's dynamic quantization: x is rounded to 8 bits with one scale and zero point per call,
    // then multiplied in integer arithmetic. reduce_range = true quantizes x to 7 bits: without it,
    // CPUs without VNNI instructions saturate the 16-bit pair sums of u8 x s8 products (measured
    // here on AVX2: max |error| 0.41 instead of 0.068 on a [512, 768] x [768, 3072] product).
    static const c10::OperatorHandle dynamic =
        c10::Dispatcher::singleton().findSchemaOrThrow("quantized::linear_dynamic", "");
    std::vector<c10::IValue> stack{x.contiguous(), w.packed->params, /*reduce_range=*/true};
    dynamic.callBoxed(&stack);
    y = stack.at(0).toTensor();
  } else {
    // Weight-only: int8 -> x's dtype is exact (|q| <= 127); the per-row scale is applied to the
    // output columns, which is cheaper than scaling the weight when there are fewer rows of x than
    // inputs, and the same product up to rounding. On CPU a block of rows at a time (see
    // kLinearBlockElements); on CUDA the whole matrix in one scratch tensor, so the product stays
    // one tensor-core GEMM.
    if (x.is_cpu()) {
      const int64_t in = x.size(-1), out = w.weight.size(0);
      at::Tensor x2 = x.reshape({-1, in});
      at::Tensor y2 = at::empty({x2.size(0), out}, x.options());
      blocked_product(x2, w.weight, y2);
      std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
      shape.back() = out;
      y = y2.view(shape);
    } else {
      y = at::linear(x, w.weight.to(x.scalar_type()));
    }
    y.mul_(w.scale.to(x.scalar_type()));
  }
  if (w.bias.defined()) y.add_(w.bias.to(y.scalar_type()));
  return y;
}

at::Tensor int8_embedding(const LinearWeights& w, const at::Tensor& ids, at::ScalarType dtype) {
  at::Tensor rows = at::embedding(w.weight, ids).to(dtype);              // [..., in]
  return rows.mul_(at::embedding(w.scale.unsqueeze(1), ids).to(dtype));  // scale per row: [..., 1]
}

}  // namespace mpt
