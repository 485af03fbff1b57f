// What the libtorch this binary runs against can do. Kept out of the headers of other rooms so
// that asking "is CUDA here?" does not pull ATen into their translation units.
#pragma once

#include <string>

namespace mpt {

struct TorchInfo {
  std::string version;    // e.g. "1.13.1"
  bool cuda_available;    // a CUDA device is usable now (false with a CPU-only libtorch)
  int cuda_device_count;  // 0 without CUDA
};

TorchInfo torch_info();

}  // namespace mpt
