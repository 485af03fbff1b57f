# Decides whether CUDA sources are built.
#   MPTEVAL_TORCH_HAS_CUDA  libtorch was built with CUDA (target torch_cuda exists): GPU glue is compiled.
#   MPTEVAL_WITH_CUDA       the CUDA language is enabled and models/cuda (the nvcc toolchain check) is compiled.
# MPTEVAL_CUDA=AUTO turns CUDA on exactly when libtorch has it; ON forces it to compile
# (also against a CPU-only libtorch, e.g. to check them with nvcc on a machine without a GPU).
set(MPTEVAL_TORCH_HAS_CUDA OFF)
if(TARGET torch_cuda OR TORCH_CUDA_LIBRARIES)
  set(MPTEVAL_TORCH_HAS_CUDA ON)
endif()

set(MPTEVAL_WITH_CUDA OFF)
if(MPTEVAL_CUDA STREQUAL "ON" OR (MPTEVAL_CUDA STREQUAL "AUTO" AND MPTEVAL_TORCH_HAS_CUDA))
  set(MPTEVAL_WITH_CUDA ON)
endif()

if(MPTEVAL_WITH_CUDA)
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    # No GPU to detect on build machines: Hopper (H100/H200) by default; override on the command line.
    set(CMAKE_CUDA_ARCHITECTURES 90)
  endif()
  enable_language(CUDA)
  set(CMAKE_CUDA_STANDARD 17)  # CMake 3.25 has no CUDA20 dialect flags for nvcc
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
endif()
message(STATUS "mpt-eval: libtorch ${Torch_VERSION}, libtorch CUDA: ${MPTEVAL_TORCH_HAS_CUDA}, nvcc toolchain check: ${MPTEVAL_WITH_CUDA}")
