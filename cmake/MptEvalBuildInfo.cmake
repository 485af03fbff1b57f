# Generates build_info.cpp (project version, git revision, libtorch version, CUDA flags) at build
# time, rewriting it only when its content changes so that an unchanged tree does not relink.
set(MPTEVAL_BUILD_INFO_CPP ${CMAKE_BINARY_DIR}/generated/build_info.cpp)
add_custom_target(mpteval_build_info_gen
  COMMAND ${CMAKE_COMMAND}
    -DSRC_DIR=${CMAKE_SOURCE_DIR} -DOUT=${MPTEVAL_BUILD_INFO_CPP}
    -DVERSION=${PROJECT_VERSION} -DTORCH_VERSION=${Torch_VERSION}
    -DTORCH_CUDA=${MPTEVAL_TORCH_HAS_CUDA} -DWITH_CUDA=${MPTEVAL_WITH_CUDA}
    -P ${CMAKE_SOURCE_DIR}/cmake/write_build_info.cmake
  BYPRODUCTS ${MPTEVAL_BUILD_INFO_CPP}
  COMMENT "build info (git revision)")
