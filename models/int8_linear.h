// Int8 weights (ModelOptions::weights): quantizing a matrix row by row while it is loaded, and the
// two ways the forward pass multiplies by such a matrix.
//
// A quantized matrix is LinearWeights with `weight` int8 [out, in] and `scale` float32 [out]: row o
// stands for weight[o]·scale[o] (symmetric per-output-channel absmax: no zero point). Internal to
// models/ (mpt_model.cpp quantizes, mpt_forward.cpp multiplies).
#pragma once

#include <ATen/core/Tensor.h>

#include <memory>
#include <string>

#include "models/mpt_weights.h"

namespace mpt {

// Quantizes a floating-point matrix [out, in] (any float dtype, any device, any strides: e.g. a view
// of a memory-mapped checkpoint tensor) in blocks of rows, so that only one block is ever converted to
// float32: scale[o] = max_i |w[o, i]| / 127, q[o, i] = round(w[o, i] / scale[o]) in [-127, 127]; an
// all-zero row gets scale 1 and zeros. Returns {q int8, scale float32} on w's device.
// Input error naming `where` when the matrix holds NaN or infinity (no scale represents them).
std::pair<at::Tensor, at::Tensor> quantize_rows(const at::Tensor& w, const std::string& where);

// The matrix back in floating point: [out, in] of `dtype` (tests and the CUDA/bf16 path use it).
at::Tensor dequantize_rows(const at::Tensor& q, const at::Tensor& scale, at::ScalarType dtype);

// The packed copy of an int8 matrix that libtorch's quantized::linear_prepack makes for its
// quantized engine (fbgemm where libtorch has it; Debian's libtorch 1.13 has no fbgemm and runs
// oneDNN, which keeps the int8 matrix it was given next to its reordered copy: 2x the int8 bytes).
// Defined in the .cpp; opaque here.
struct PackedInt8Matrix;
// Packs w.weight / w.scale for int8_linear's dynamic path (CPU, WeightFormat::Int8Dynamic).
std::shared_ptr<const PackedInt8Matrix> pack_int8(const LinearWeights& w);
// Whether libtorch has a quantized engine (fbgemm, oneDNN or QNNPACK) for the Int8Dynamic format.
bool dynamic_int8_available();

// x [..., in] times the int8 matrix (plus bias): [..., out] in x's dtype.
// With w.packed (WeightFormat::Int8Dynamic, float32 x on CPU): libtorch's dynamically quantized linear,
// which also rounds x to 8 bits per call (one scale per call, 7-bit range: see the .cpp).
// Otherwise (WeightFormat::Int8): the weight is converted to x's dtype in a scratch tensor, x is
// multiplied by it, and the output columns are scaled: y[.., o] = (x · q[o]) · scale[o] + bias[o].
at::Tensor int8_linear(const at::Tensor& x, const LinearWeights& w);

// Rows `ids` [...] of the dequantized matrix (the int8 embedding): [..., in] of `dtype`.
at::Tensor int8_embedding(const LinearWeights& w, const at::Tensor& ids, at::ScalarType dtype);

}  // namespace mpt
