#include "models/safetensors_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>

#include "common/error.h"
#include "common/jsonl.h"

namespace mpt {
namespace {

using nlohmann::json;

constexpr uint64_t kMaxHeader = 100ull << 20;  // the safetensors library's own limit

uint64_t read_u64_le(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

bool is_count(const json& v) { return v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0); }

}  // namespace

SafetensorsFile::SafetensorsFile(const std::string& path) : map_(std::make_unique<MappedFile>(path)) {
  const uint64_t size = map_->size();
  if (size < 8)
    throw input_error("truncated safetensors file", path, "at least 8 bytes (the header length)",
                      std::to_string(size) + " bytes");
  const uint64_t n = read_u64_le(map_->data());
  if (n > size - 8)
    throw input_error("safetensors header length past the end of the file", path,
                      "a header of at most " + std::to_string(size - 8) + " bytes",
                      "a header length of " + std::to_string(n));
  if (n > kMaxHeader)
    throw input_error("safetensors header too large", path, "at most 100 MB", std::to_string(n) + " bytes");

  std::string text(reinterpret_cast<const char*>(map_->data()) + 8, n);
  json header = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded())
    throw input_error("malformed JSON header in safetensors file", path, "a JSON object",
                      quote_excerpt(text, 40));
  if (!header.is_object())
    throw input_error("malformed safetensors header", path, "a JSON object", describe_json(header));

  const uint64_t data_size = size - 8 - n;
  const uint8_t* data = map_->data() + 8 + n;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object())
        throw input_error("malformed safetensors __metadata__", path, "an object of strings", describe_json(entry));
      for (const auto& [k, v] : entry.items())
        if (v.is_string()) metadata_[k] = v.get<std::string>();
      continue;
    }
    std::string where = path + ", tensor '" + name + "'";
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") || !entry.contains("data_offsets"))
      throw input_error("malformed safetensors entry", where, "an object with dtype, shape and data_offsets",
                        describe_json(entry));
    RawTensor t;
    t.name = name;
    t.file = path;
    t.mapping = map_.get();
    const json& dt = entry["dtype"];
    if (!dt.is_string() || !parse_wire_dtype(dt.get<std::string>(), t.dtype))
      throw input_error("unknown dtype in safetensors file", where,
                        "one of F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL", describe_json(dt));
    const json& shape = entry["shape"];
    if (!shape.is_array() || !std::all_of(shape.begin(), shape.end(), is_count))
      throw input_error("malformed shape in safetensors file", where, "an array of non-negative integers",
                        describe_json(shape));
    for (const auto& d : shape) t.shape.push_back(d.get<int64_t>());
    t.strides = contiguous_strides(t.shape);
    const json& off = entry["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !is_count(off[0]) || !is_count(off[1]))
      throw input_error("malformed data_offsets in safetensors file", where, "[begin, end] with non-negative integers",
                        describe_json(off));
    uint64_t begin = off[0].get<uint64_t>(), end = off[1].get<uint64_t>();
    if (begin > end || end > data_size)
      throw input_error("data offsets out of range in safetensors file", where,
                        "0 <= begin <= end <= " + std::to_string(data_size) + " (the data section's size)",
                        "[" + std::to_string(begin) + ", " + std::to_string(end) + "]");
    int64_t numel = checked_numel(t.shape);
    uint64_t want = 0;
    if (numel < 0 || __builtin_mul_overflow(static_cast<uint64_t>(numel), wire_dtype_size(t.dtype), &want) ||
        want != end - begin)
      throw input_error("tensor byte size does not match its dtype and shape in safetensors file", where,
                        std::to_string(want) + " bytes (" + wire_dtype_name(t.dtype) + " " + shape.dump() + ")",
                        std::to_string(end - begin) + " bytes");
    t.data = data + begin;
    t.span_bytes = end - begin;
    tensors_.push_back(std::move(t));
  }

  // The format requires the tensors to tile the data section exactly: sorted by offset, the first begins
  // at 0, each begins where the previous ended, the last ends at the end of the file. Checking only for
  // overlaps would accept a header length off by a few bytes (the JSON still parses, with its space
  // padding) and then read every tensor shifted.
  std::sort(tensors_.begin(), tensors_.end(), [](const RawTensor& a, const RawTensor& b) {
    return a.data != b.data ? a.data < b.data : a.span_bytes < b.span_bytes;
  });
  uint64_t expected = 0;
  for (size_t i = 0; i < tensors_.size(); ++i) {
    const RawTensor& cur = tensors_[i];
    const uint64_t begin = static_cast<uint64_t>(cur.data - data);
    if (begin < expected)
      throw input_error("overlapping tensor data in safetensors file", path, "disjoint byte ranges",
                        "'" + tensors_[i - 1].name + "' and '" + cur.name + "' overlap");
    if (begin > expected)
      throw input_error("gap in the tensor data of safetensors file", path,
                        "tensor '" + cur.name + "' to begin at data offset " + std::to_string(expected) +
                            " (tensors must tile the data section)",
                        "data offset " + std::to_string(begin));
    expected = begin + cur.span_bytes;
  }
  if (expected != data_size)
    throw input_error("tensors do not cover the data section of safetensors file", path,
                      "a data section of " + std::to_string(expected) + " bytes after the " + std::to_string(n) +
                          "-byte header (the end of the last tensor); the header length may be corrupt",
                      std::to_string(data_size) + " bytes");
  for (size_t i = 0; i < tensors_.size(); ++i) index_[tensors_[i].name] = i;
}

const RawTensor* SafetensorsFile::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

}  // namespace mpt
