// The KV cache of continuous batching (generation.cpp): a fixed number of slots, each holding one
// sequence's keys and values from column 0 (column j = the sequence's token j = position j), each
// with its own length. Decoding appends one token to every slot at that slot's own length, so a
// finished sequence's slot can take a new prompt while the others go on; nothing is reallocated
// or copied as sequences come and go (the memory is allocated once, zeroed, for slots x capacity).
//
// Free slots have length 0; a decoding step still computes a row for them (static shapes) whose
// result is ignored. Columns past a slot's length hold finite stale values that are masked out.
// Shapes (mpt_forward.cpp's legend): keys and values [slots, K, capacity, D] per layer.
// Not thread-safe: one forward pass at a time.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace mpt {

class SlotCache {
 public:
  // `capacity` (columns per slot) is rounded up to a multiple of 16 (see span()).
  SlotCache(int64_t n_layers, int64_t slots, int64_t kv_heads, int64_t head_dim, int64_t capacity,
            const at::TensorOptions& options);

  int64_t slots() const { return static_cast<int64_t>(lengths_.size()); }
  int64_t capacity() const { return capacity_; }
  // Tokens held per slot (0 = free).
  const std::vector<int64_t>& lengths() const { return lengths_; }

  // Frees a slot (its length becomes 0).
  void release(int64_t slot);
  // Keeps only `slots`, in this order (slot i of the result is old slot slots[i]): shrinks the
  // batch a decoding step computes once few sequences remain.
  void keep(const std::vector<int64_t>& slots);

  // --- used by the forward pass (MptModel::prefill_slots, MptModel::forward_slots) ---
  // Prefill: writes the keys/values ([n, K, T, D], right-padded prompts from position 0) of one
  // layer into columns [0, T) of slots `slots` ([n] int64 on the device), replacing what they held.
  // Runtime error when T exceeds the capacity.
  void store(int64_t layer, const at::Tensor& slots, const at::Tensor& k, const at::Tensor& v);
  // Prefill done: slot slots[i] now holds lengths[i] tokens.
  void occupy(const std::vector<int64_t>& slots, const std::vector<int64_t>& lengths);
  // Key columns one decoding step attends to: the longest slot plus the new token, rounded up to a
  // multiple of 16 (fused attention wants an aligned key length), at most capacity().
  int64_t span() const;
  // Starts a step: uploads the lengths; returns them on the device ([slots] int64).
  const at::Tensor& begin_step();
  // Writes every slot's new key/value ([slots, K, 1, D]) at column lengths()[s] and returns the
  // keys/values of columns [0, span()) ([slots, K, span, D] views).
  std::pair<at::Tensor, at::Tensor> append(int64_t layer, const at::Tensor& k, const at::Tensor& v);
  // Ends a step: every occupied slot's length grows by one.
  void commit();

 private:
  int64_t capacity_;
  std::vector<at::Tensor> keys_, values_;  // [slots, K, capacity, D]
  std::vector<int64_t> lengths_;
  at::Tensor device_lengths_;              // [slots] int64, set by begin_step()
};

}  // namespace mpt
