#include "models/kv_cache.h"

#include <ATen/ops/empty.h>
#include <ATen/ops/ones.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/zeros.h>

#include "common/error.h"

namespace mpt {

KVCache::KVCache(int64_t n_layers, int64_t batch, int64_t kv_heads, int64_t head_dim, int64_t capacity,
                 const at::TensorOptions& options)
    : batch_(batch), capacity_(std::max<int64_t>(capacity, 1)) {
  for (int64_t l = 0; l < n_layers; ++l) {
    keys_.push_back(at::empty({batch, kv_heads, capacity_, head_dim}, options));
    values_.push_back(at::empty({batch, kv_heads, capacity_, head_dim}, options));
  }
  valid_ = at::zeros({batch, capacity_}, options.dtype(at::kBool));
  positions_ = at::zeros({batch, capacity_}, options.dtype(at::kLong));
  next_position_ = at::zeros({batch}, options.dtype(at::kLong));
}

at::Tensor KVCache::keys(int64_t layer) const { return keys_.at(layer).narrow(2, 0, length_); }
at::Tensor KVCache::values(int64_t layer) const { return values_.at(layer).narrow(2, 0, length_); }
at::Tensor KVCache::valid() const { return valid_.narrow(1, 0, length_); }
at::Tensor KVCache::positions() const { return positions_.narrow(1, 0, length_); }

void KVCache::select_rows(const std::vector<int64_t>& rows) {
  at::Tensor index = at::tensor(rows, at::kLong).to(valid_.device());
  for (auto& k : keys_) k = k.index_select(0, index);
  for (auto& v : values_) v = v.index_select(0, index);
  valid_ = valid_.index_select(0, index);
  positions_ = positions_.index_select(0, index);
  next_position_ = next_position_.index_select(0, index);
  batch_ = static_cast<int64_t>(rows.size());
}

void KVCache::reserve(int64_t t) {
  if (length_ + t <= capacity_) return;
  // Double (at least) so that token-by-token decoding copies the cache O(log n) times, not n times.
  int64_t grown = std::max(capacity_ * 2, length_ + t);
  auto grow = [&](at::Tensor& buf, int64_t dim) {
    std::vector<int64_t> shape = buf.sizes().vec();
    shape[dim] = grown;
    at::Tensor bigger = at::zeros(shape, buf.options());
    bigger.narrow(dim, 0, length_).copy_(buf.narrow(dim, 0, length_));
    buf = bigger;
  };
  for (auto& k : keys_) grow(k, 2);
  for (auto& v : values_) grow(v, 2);
  grow(valid_, 1);
  grow(positions_, 1);
  capacity_ = grown;
}

std::pair<at::Tensor, at::Tensor> KVCache::write(int64_t layer, const at::Tensor& k, const at::Tensor& v) {
  const int64_t t = k.size(2);
  if (k.size(0) != batch_ || length_ + t > capacity_)
    throw runtime_error("KV cache misuse", "KVCache::write", "batch " + std::to_string(batch_) + " within capacity",
                        "batch " + std::to_string(k.size(0)) + ", " + std::to_string(length_ + t) + " columns");
  keys_.at(layer).narrow(2, length_, t).copy_(k);
  values_.at(layer).narrow(2, length_, t).copy_(v);
  return {keys_[layer].narrow(2, 0, length_ + t), values_[layer].narrow(2, 0, length_ + t)};
}

void KVCache::commit(const at::Tensor& valid, const at::Tensor& positions) {
  const int64_t t = valid.size(1);
  valid_.narrow(1, length_, t).copy_(valid);
  positions_.narrow(1, length_, t).copy_(positions);
  next_position_.add_(valid.sum(1));
  length_ += t;
}

}  // namespace mpt
