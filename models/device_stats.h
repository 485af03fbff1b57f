// Device-level facts a benchmark needs: waiting for queued work, and peak memory. No ATen here.
// `device` is a ModelOptions::device string ("cpu", "cuda", "cuda:N").
#pragma once

#include <cstdint>
#include <string>

namespace mpt {

// Returns once every operation queued on `device` has finished (no-op on CPU, whose ATen
// operations complete before they return).
void synchronize_device(const std::string& device);

// Starts a new peak: on CUDA the caching allocator's peak of allocated bytes (what
// torch.cuda.reset_peak_memory_stats resets); nothing on CPU.
void reset_peak_memory(const std::string& device);

// On CUDA, the most bytes of tensors allocated at once since reset_peak_memory (what
// torch.cuda.max_memory_allocated reports); on CPU, the process's peak resident set size.
int64_t peak_memory_bytes(const std::string& device);

}  // namespace mpt
