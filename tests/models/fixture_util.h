// Helpers shared by the model tests: fixture paths and reading golden tensors without ATen.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "models/safetensors_file.h"

namespace mpt::test {

inline std::string fixture(const std::string& name) { return std::string(MPTEVAL_TEST_FIXTURES) + "/" + name; }

// A golden tensor as flat values (I64 -> int64_t, F32 -> float), with its shape.
template <class T>
std::vector<T> golden(const SafetensorsFile& f, const std::string& name, std::vector<int64_t>* shape = nullptr) {
  const RawTensor* t = f.find(name);
  if (!t) throw std::runtime_error("golden tensor missing: " + name);
  if (t->dtype != (sizeof(T) == 8 ? WireDType::I64 : WireDType::F32) || t->span_bytes % sizeof(T) != 0)
    throw std::runtime_error("golden tensor has an unexpected dtype: " + name);
  std::vector<T> out(t->span_bytes / sizeof(T));
  std::memcpy(out.data(), t->data, t->span_bytes);
  if (shape) *shape = t->shape;
  return out;
}

inline std::vector<int32_t> to_ids(const std::vector<int64_t>& v) { return {v.begin(), v.end()}; }

}  // namespace mpt::test
