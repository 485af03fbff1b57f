#include "models/model_options.h"

#include "common/error.h"

namespace mpt {

const char* dtype_name(DType t) {
  switch (t) {
    case DType::F32: return "fp32";
    case DType::BF16: return "bf16";
    case DType::F16: return "fp16";
  }
  return "?";
}

DType parse_dtype(const std::string& text, const std::string& where) {
  if (text == "fp32" || text == "float32") return DType::F32;
  if (text == "bf16" || text == "bfloat16") return DType::BF16;
  if (text == "fp16" || text == "float16" || text == "half") return DType::F16;
  throw input_error("unknown dtype", where, "fp32, bf16 or fp16", quote_excerpt(text));
}

const char* weight_format_name(WeightFormat f) {
  switch (f) {
    case WeightFormat::Native: return "native";
    case WeightFormat::Int8: return "int8";
    case WeightFormat::Int8Dynamic: return "int8-dynamic";
  }
  return "?";
}

WeightFormat parse_weight_format(const std::string& text, const std::string& where) {
  if (text == "native") return WeightFormat::Native;
  if (text == "int8") return WeightFormat::Int8;
  if (text == "int8-dynamic") return WeightFormat::Int8Dynamic;
  throw input_error("unknown weight format", where, "native, int8 or int8-dynamic", quote_excerpt(text));
}

}  // namespace mpt
