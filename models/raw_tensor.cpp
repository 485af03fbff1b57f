#include "models/raw_tensor.h"

#include <limits>

namespace mpt {
namespace {

struct DTypeInfo {
  WireDType type;
  const char* name;
  int size;
  bool is_float;
};
constexpr DTypeInfo kDTypes[] = {
    {WireDType::F64, "F64", 8, true},  {WireDType::F32, "F32", 4, true},  {WireDType::F16, "F16", 2, true},
    {WireDType::BF16, "BF16", 2, true}, {WireDType::I64, "I64", 8, false}, {WireDType::I32, "I32", 4, false},
    {WireDType::I16, "I16", 2, false}, {WireDType::I8, "I8", 1, false},   {WireDType::U8, "U8", 1, false},
    {WireDType::Bool, "BOOL", 1, false},
};

const DTypeInfo& info(WireDType t) {
  for (const auto& d : kDTypes)
    if (d.type == t) return d;
  return kDTypes[1];
}

}  // namespace

const char* wire_dtype_name(WireDType t) { return info(t).name; }
int wire_dtype_size(WireDType t) { return info(t).size; }
bool wire_dtype_is_float(WireDType t) { return info(t).is_float; }

bool parse_wire_dtype(const std::string& name, WireDType& out) {
  for (const auto& d : kDTypes)
    if (name == d.name) {
      out = d.type;
      return true;
    }
  return false;
}

int64_t checked_numel(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || __builtin_mul_overflow(n, d, &n)) return -1;
  }
  return n;
}

std::vector<int64_t> contiguous_strides(const std::vector<int64_t>& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) s[i - 1] = s[i] * shape[i];
  return s;
}

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

int64_t RawTensor::numel() const { return checked_numel(shape); }

}  // namespace mpt
