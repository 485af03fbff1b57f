// Reader of one .safetensors file (https://github.com/huggingface/safetensors, format section):
//   [8 bytes: little-endian u64 N] [N bytes: JSON header] [data section]
// The header maps tensor names to {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to
// the data section) plus an optional "__metadata__" map of strings.
//
// The constructor memory-maps the file and validates the whole header before anything is read;
// every problem is an Input error naming the file and, where there is one, the tensor:
//   file shorter than 8 bytes, header length past the end of the file or over 100 MB, header that is
//   not JSON or not an object, an entry without dtype/shape/data_offsets, an unknown dtype, a negative
//   or overflowing shape, offsets out of order or past the data section, a byte size that does not
//   match dtype × shape, tensors that do not tile the data section exactly (a gap, an overlap, bytes
//   before the first or after the last tensor: the format requires an exact tiling).
// No ATen here.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/mapped_file.h"
#include "models/raw_tensor.h"

namespace mpt {

class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::string& path);

  const std::string& path() const { return map_->path(); }
  // In the order of their data offsets.
  const std::vector<RawTensor>& tensors() const { return tensors_; }
  // nullptr when absent.
  const RawTensor* find(const std::string& name) const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  std::unique_ptr<MappedFile> map_;
  std::vector<RawTensor> tensors_;
  std::map<std::string, size_t> index_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace mpt
