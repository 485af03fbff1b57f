// A tensor as stored in a checkpoint file: element type, shape, strides and a pointer into a
// memory-mapped file. Produced by the safetensors and torch .bin readers; converted to a libtorch
// tensor (in the target dtype, on the target device) by the weight loader. No ATen here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mpt {

class MappedFile;

enum class WireDType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool };

// Safetensors spelling ("F32", "BF16", ...); the torch .bin reader maps storage types onto these.
const char* wire_dtype_name(WireDType t);
int wire_dtype_size(WireDType t);
bool wire_dtype_is_float(WireDType t);  // F64, F32, F16, BF16
// Parses a safetensors dtype; false for a name it does not know (e.g. "F8_E4M3", "Q4").
bool parse_wire_dtype(const std::string& name, WireDType& out);

struct RawTensor {
  std::string name;
  WireDType dtype = WireDType::F32;
  std::vector<int64_t> shape;
  std::vector<int64_t> strides;      // in elements; row-major contiguous when from safetensors
  const uint8_t* data = nullptr;     // first element (storage offset applied)
  uint64_t span_bytes = 0;           // bytes from `data` the view may touch (validated in-file)
  std::string file;                  // for error messages: "dir/model-00001-of-00002.safetensors"
  const MappedFile* mapping = nullptr;  // to release pages after conversion

  int64_t numel() const;
};

// Row-major strides of `shape`.
std::vector<int64_t> contiguous_strides(const std::vector<int64_t>& shape);

// "[320, 64]"
std::string shape_string(const std::vector<int64_t>& shape);

// Product of `shape`, or -1 when a dimension is negative or the product overflows int64.
int64_t checked_numel(const std::vector<int64_t>& shape);

}  // namespace mpt
