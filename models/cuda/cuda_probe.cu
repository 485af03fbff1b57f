// mpt-eval's only CUDA source, and not a kernel the model uses: on a GPU the forward pass runs on
// libtorch's CUDA operators (its fused attention included). This translation unit proves at build
// time that nvcc and the chosen architecture work with the project's flags (the cuda-build test and
// scripts/check-cuda-build compile it), so that the CUDA side of the build stays tested on machines
// without a GPU; its two functions are a device probe that does not go through libtorch.
#include "models/cuda/cuda_probe.h"

#include <cuda_runtime.h>

namespace mpt::cuda {

namespace {
__global__ void fill_iota_kernel(int* out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = i;
}
}  // namespace

int device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) return 0;
  return n;
}

bool self_test() {
  constexpr int kN = 256;
  int* d = nullptr;
  if (cudaMalloc(&d, kN * sizeof(int)) != cudaSuccess) return false;
  fill_iota_kernel<<<(kN + 127) / 128, 128>>>(d, kN);
  int h[kN];
  bool ok = cudaGetLastError() == cudaSuccess &&
            cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost) == cudaSuccess;
  cudaFree(d);
  for (int i = 0; ok && i < kN; ++i) ok = h[i] == i;
  return ok;
}

}  // namespace mpt::cuda
