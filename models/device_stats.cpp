// CUDA parts compile only against a libtorch with CUDA (MPTEVAL_TORCH_HAS_CUDA, see
// cmake/MptEvalCuda.cmake); c10's CUDA allocator API used here is the same in libtorch 1.13 and 2.x
// (getDeviceStats / resetPeakStats taking a device index; DeviceStats::allocated_bytes[0] is the
// aggregate over both pools, StatType::AGGREGATE == 0 in both).
#include "models/device_stats.h"

#include <sys/resource.h>

#include <c10/core/Device.h>

#if MPTEVAL_TORCH_HAS_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#endif

#include "common/error.h"

namespace mpt {
namespace {

// The CUDA device index of `device`, or -1 for the CPU.
int cuda_index(const std::string& device) {
  if (device == "cpu") return -1;
  c10::Device d(device);  // "cuda", "cuda:N"; throws c10::Error on anything else
  return d.has_index() ? d.index() : 0;
}

}  // namespace

void synchronize_device(const std::string& device) {
  const int index = cuda_index(device);
  if (index < 0) return;
#if MPTEVAL_TORCH_HAS_CUDA
  c10::cuda::device_synchronize();
#else
  throw runtime_error("CUDA is not available in this build", device, "a libtorch with CUDA", "a CPU-only libtorch");
#endif
}

void reset_peak_memory(const std::string& device) {
  const int index = cuda_index(device);
  if (index < 0) return;
#if MPTEVAL_TORCH_HAS_CUDA
  c10::cuda::CUDACachingAllocator::resetPeakStats(static_cast<c10::DeviceIndex>(index));
#endif
}

int64_t peak_memory_bytes(const std::string& device) {
  const int index = cuda_index(device);
  if (index < 0) {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<int64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
  }
#if MPTEVAL_TORCH_HAS_CUDA
  auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(index));
  return static_cast<int64_t>(stats.allocated_bytes[0].peak);
#else
  return 0;
#endif
}

}  // namespace mpt
