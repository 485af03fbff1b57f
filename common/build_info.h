// Facts about this build, filled in at build time (cmake/write_build_info.cmake).
#pragma once

#include <string>

namespace mpt {

struct BuildInfo {
  std::string version;        // project version, e.g. "0.1.0"
  std::string git_revision;   // `git describe --always --dirty`, or "unknown" outside a checkout
  std::string torch_version;  // libtorch version the build was configured against
  bool torch_has_cuda;        // libtorch was built with CUDA
  bool cuda_kernels;          // the CUDA toolchain check (models/cuda) was compiled with nvcc
};

const BuildInfo& build_info();

}  // namespace mpt
