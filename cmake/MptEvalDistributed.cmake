# mpteval_configure_c10d(<target> <source>): compile definitions for the one translation unit that
# includes c10d's process groups.
#   Gloo  when Gloo's headers are found beside libtorch's (Debian: libgloo-dev; PyTorch wheels ship
#         them): USE_C10D_GLOO and MPTEVAL_WITH_GLOO=1. -DMPTEVAL_GLOO=OFF skips it.
#   NCCL  when libtorch has CUDA and c10d's ProcessGroupNCCL.hpp compiles here (nccl.h from the
#         CUDA toolkit, NCCL_HOME, or the wheel's nvidia/nccl package): USE_C10D_NCCL and
#         MPTEVAL_WITH_NCCL=1. -DMPTEVAL_NCCL=OFF skips it.
option(MPTEVAL_NCCL "Use NCCL for distributed runs when libtorch has CUDA" ON)
option(MPTEVAL_GLOO "Use Gloo for distributed runs when its headers are found" ON)
include(CheckCXXSourceCompiles)

function(mpteval_configure_c10d target source)
  set(defs "")
  find_path(MPTEVAL_GLOO_INCLUDE_DIR gloo/config.h HINTS ${TORCH_INCLUDE_DIRS})
  if(MPTEVAL_GLOO_INCLUDE_DIR AND MPTEVAL_GLOO)
    list(APPEND defs USE_C10D_GLOO MPTEVAL_WITH_GLOO=1)
    target_include_directories(${target} SYSTEM PRIVATE ${MPTEVAL_GLOO_INCLUDE_DIR})
  endif()

  set(with_nccl OFF)
  if(MPTEVAL_TORCH_HAS_CUDA AND MPTEVAL_NCCL)
    get_filename_component(site "${TORCH_INSTALL_PREFIX}/.." ABSOLUTE)
    find_path(MPTEVAL_NCCL_INCLUDE_DIR nccl.h
      HINTS ${TORCH_INCLUDE_DIRS} $ENV{NCCL_HOME}/include ${site}/nvidia/nccl/include
            ${site}/nvidia/cu13/include ${site}/nvidia/cu12/include /usr/local/cuda/include)
    find_package(CUDAToolkit QUIET)
    if(MPTEVAL_NCCL_INCLUDE_DIR AND CUDAToolkit_FOUND)
      set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
      set(CMAKE_REQUIRED_INCLUDES ${TORCH_INCLUDE_DIRS} ${MPTEVAL_NCCL_INCLUDE_DIR} ${CUDAToolkit_INCLUDE_DIRS})
      set(CMAKE_REQUIRED_DEFINITIONS -DUSE_C10D_NCCL ${TORCH_CXX_FLAGS})
      set(CMAKE_REQUIRED_FLAGS "-std=c++20")
      check_cxx_source_compiles("
        #include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
        int probe() { auto o = c10d::ProcessGroupNCCL::Options::create(); return o ? 0 : 1; }"
        MPTEVAL_C10D_NCCL_COMPILES)
      if(MPTEVAL_C10D_NCCL_COMPILES)
        set(with_nccl ON)
        list(APPEND defs USE_C10D_NCCL MPTEVAL_WITH_NCCL=1)
        target_include_directories(${target} SYSTEM PRIVATE ${MPTEVAL_NCCL_INCLUDE_DIR})
        target_link_libraries(${target} PRIVATE CUDA::cudart)
      endif()
    endif()
  endif()
  set_source_files_properties(${source} PROPERTIES COMPILE_DEFINITIONS "${defs}")
  message(STATUS "mpt-eval distributed: Gloo ${MPTEVAL_GLOO_INCLUDE_DIR}, NCCL ${with_nccl}")
endfunction()
