#include "models/torch_info.h"

#include <ATen/Context.h>
#include <ATen/core/Tensor.h>
#include <c10/core/DeviceType.h>
#include <torch/csrc/api/include/torch/version.h>

namespace mpt {

TorchInfo torch_info() {
  TorchInfo info;
  info.version = TORCH_VERSION;
  info.cuda_available = at::hasCUDA();
  info.cuda_device_count = 0;
  if (info.cuda_available) {
    info.cuda_device_count = static_cast<int>(at::getNumGPUs());
  }
  return info;
}

}  // namespace mpt
