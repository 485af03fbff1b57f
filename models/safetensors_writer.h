// Streams tensors into a .safetensors file one at a time, so that writing a checkpoint needs
// memory for one chunk of one tensor, not for the whole model. The header (names, dtypes, shapes,
// offsets) is fixed up front; the data must then be appended in the same order, byte for byte.
// The file is written under a temporary name and renamed into place by finish(), so a failure never
// leaves a half-written file under the final name. No ATen here.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "models/raw_tensor.h"

namespace mpt {

struct TensorEntry {
  std::string name;
  WireDType dtype;
  std::vector<int64_t> shape;
  uint64_t bytes() const;
};

class SafetensorsWriter {
 public:
  // Writes the header (padded with spaces to a multiple of 8 bytes, so tensor data is aligned).
  SafetensorsWriter(const std::string& path, const std::vector<TensorEntry>& entries);
  ~SafetensorsWriter();  // removes the temporary file unless finish() succeeded
  SafetensorsWriter(const SafetensorsWriter&) = delete;
  SafetensorsWriter& operator=(const SafetensorsWriter&) = delete;

  // Appends raw little-endian bytes of the current tensor(s).
  void write(const void* data, uint64_t n);
  // Checks that exactly the announced bytes were written, flushes, fsyncs and renames into place.
  void finish();

 private:
  std::string path_, tmp_;
  std::FILE* file_ = nullptr;
  uint64_t expected_ = 0, written_ = 0;
};

}  // namespace mpt
