#include "models/slot_cache.h"

#include <ATen/ops/scatter.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/zeros.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "common/error.h"

namespace mpt {

SlotCache::SlotCache(int64_t n_layers, int64_t slots, int64_t kv_heads, int64_t head_dim, int64_t capacity,
                     const at::TensorOptions& options)
    : capacity_((std::max<int64_t>(capacity, 1) + 15) / 16 * 16), lengths_(static_cast<size_t>(slots), 0) {
  // Zeroed, not empty: masked columns get probability 0, and 0 times a stale NaN would be NaN.
  for (int64_t l = 0; l < n_layers; ++l) {
    keys_.push_back(at::zeros({slots, kv_heads, capacity_, head_dim}, options));
    values_.push_back(at::zeros({slots, kv_heads, capacity_, head_dim}, options));
  }
}

void SlotCache::store(int64_t layer, const at::Tensor& slots, const at::Tensor& k, const at::Tensor& v) {
  const int64_t T = k.size(2);
  if (T > capacity_)
    throw runtime_error("slot cache misuse", "SlotCache::store", "at most " + std::to_string(capacity_) + " columns",
                        std::to_string(T) + " columns");
  keys_.at(static_cast<size_t>(layer)).narrow(2, 0, T).index_copy_(0, slots, k);
  values_.at(static_cast<size_t>(layer)).narrow(2, 0, T).index_copy_(0, slots, v);
}

void SlotCache::occupy(const std::vector<int64_t>& slots, const std::vector<int64_t>& lengths) {
  for (size_t i = 0; i < slots.size(); ++i) lengths_.at(static_cast<size_t>(slots[i])) = lengths.at(i);
}

void SlotCache::release(int64_t slot) { lengths_.at(static_cast<size_t>(slot)) = 0; }

void SlotCache::keep(const std::vector<int64_t>& slots) {
  at::Tensor index = at::tensor(slots, at::kLong).to(keys_.front().device());
  for (auto& k : keys_) k = k.index_select(0, index);
  for (auto& v : values_) v = v.index_select(0, index);
  std::vector<int64_t> kept;
  for (int64_t s : slots) kept.push_back(lengths_.at(static_cast<size_t>(s)));
  lengths_ = std::move(kept);
}

int64_t SlotCache::span() const {
  const int64_t longest = *std::max_element(lengths_.begin(), lengths_.end()) + 1;
  return std::min(capacity_, (longest + 15) / 16 * 16);
}

const at::Tensor& SlotCache::begin_step() {
  const int64_t longest = *std::max_element(lengths_.begin(), lengths_.end());
  if (longest >= capacity_)
    throw runtime_error("slot cache full", "SlotCache::begin_step", "a free column in every slot",
                        std::to_string(longest) + " of " + std::to_string(capacity_) + " columns used");
  device_lengths_ = at::tensor(lengths_, at::kLong).to(keys_.front().device());
  return device_lengths_;
}

std::pair<at::Tensor, at::Tensor> SlotCache::append(int64_t layer, const at::Tensor& k, const at::Tensor& v) {
  const int64_t B = k.size(0), K = k.size(1), D = k.size(3);
  at::Tensor column = device_lengths_.view({B, 1, 1, 1}).expand({B, K, 1, D});
  at::Tensor& keys = keys_.at(static_cast<size_t>(layer));
  at::Tensor& values = values_.at(static_cast<size_t>(layer));
  keys.scatter_(2, column, k);
  values.scatter_(2, column, v);
  const int64_t S = span();
  return {keys.narrow(2, 0, S), values.narrow(2, 0, S)};
}

void SlotCache::commit() {
  for (auto& n : lengths_)
    if (n > 0) ++n;
}

}  // namespace mpt
