// Keys and values of the tokens a model has already seen, per layer, so that later tokens attend to
// them without recomputing them (incremental decoding), or so that several continuations can share
// one computed prefix.
//
// Columns are appended in order; each has a validity flag (padding columns are never attended to)
// and the position of its token in its row (the number of real tokens before it), which ALiBi and
// learned position embeddings use. So a cache can hold left-padded prompts (generation),
// right-padded rows (scoring), and further tokens appended after either.
//
// Shapes (see mpt_forward.cpp's legend): keys and values [B, K, S, D] per layer, valid [B, S],
// positions [B, S], next_position [B], with S = length(). Storage grows by doubling when a forward
// pass needs more columns than capacity(). The cache lives on the model's device in its compute
// dtype (float32 on CPU, the model dtype on CUDA).
// Not thread-safe: one forward pass at a time may extend a cache; read-only use
// (MptModel::hidden_after) may be concurrent.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace mpt {

class KVCache {
 public:
  // An empty cache (length 0) for `batch` rows; `options` gives the device and dtype of keys/values.
  KVCache(int64_t n_layers, int64_t batch, int64_t kv_heads, int64_t head_dim, int64_t capacity,
          const at::TensorOptions& options);

  int64_t batch() const { return batch_; }
  int64_t length() const { return length_; }
  int64_t capacity() const { return capacity_; }
  int64_t n_layers() const { return static_cast<int64_t>(keys_.size()); }

  // Views of the columns in use.
  at::Tensor keys(int64_t layer) const;    // [B, K, S, D]
  at::Tensor values(int64_t layer) const;  // [B, K, S, D]
  at::Tensor valid() const;                // [B, S] bool
  at::Tensor positions() const;            // [B, S] int64
  const at::Tensor& next_position() const { return next_position_; }  // [B] int64: real tokens so far

  // Keeps rows `rows` (int64 indices on any device), in that order; e.g. to drop finished sequences.
  void select_rows(const std::vector<int64_t>& rows);

  // --- used by the forward pass (three steps so that a failed pass leaves the cache unchanged) ---
  // Makes room for `t` more columns.
  void reserve(int64_t t);
  // Writes this call's keys/values ([B, K, T, D]) of `layer` after the committed columns and returns
  // the keys/values of all columns including them ([B, K, length()+T, D] views).
  std::pair<at::Tensor, at::Tensor> write(int64_t layer, const at::Tensor& k, const at::Tensor& v);
  // Commits the T columns written by write(): their validity and positions ([B, T]).
  void commit(const at::Tensor& valid, const at::Tensor& positions);

 private:
  int64_t batch_, capacity_, length_ = 0;
  std::vector<at::Tensor> keys_, values_;  // [B, K, capacity, D]
  at::Tensor valid_;                       // [B, capacity] bool
  at::Tensor positions_;                   // [B, capacity] int64
  at::Tensor next_position_;               // [B] int64
};

}  // namespace mpt
