// Host entry points of the CUDA toolchain check (cuda_probe.cu; compiled only when MPTEVAL_WITH_CUDA).
#pragma once

namespace mpt::cuda {

// Number of CUDA devices the runtime sees; 0 when none or when the driver is missing.
int device_count();
// Launches a trivial kernel and checks its output; false when no device can run it.
bool self_test();

}  // namespace mpt::cuda
