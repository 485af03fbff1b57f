#include "reports/python_text.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/sha256.h"

namespace mpt::reports {

std::string python_float_str(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  if (value == 0.0) return std::signbit(value) ? "-0.0" : "0.0";
  // Shortest round-trip digits in scientific form, e.g. "-1.5e-05": sign, digits, exponent.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  const bool negative = sci[0] == '-';
  const size_t e = sci.find('e');
  std::string digits;
  for (size_t i = negative ? 1 : 0; i < e; ++i)
    if (sci[i] != '.') digits += sci[i];
  const int exponent = std::atoi(sci.c_str() + e + 1);  // value = d.ddd x 10^exponent
  const int point = exponent + 1;                       // digits before the decimal point
  std::string out = negative ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    if (point <= 0) {
      out.append("0.").append(static_cast<size_t>(-point), '0').append(digits);
    } else if (static_cast<size_t>(point) >= digits.size()) {
      out.append(digits).append(static_cast<size_t>(point) - digits.size(), '0').append(".0");
    } else {
      out.append(digits, 0, static_cast<size_t>(point)).append(".").append(digits, static_cast<size_t>(point));
    }
    return out;
  }
  out.append(digits, 0, 1);
  if (digits.size() > 1) out.append(".").append(digits, 1);
  const int mag = std::abs(exponent);
  out += exponent < 0 ? "e-" : "e+";
  if (mag < 10) out += "0";
  out += std::to_string(mag);
  return out;
}

std::string python_json_indent2(const nlohmann::ordered_json& value) {
  // nlohmann's indented form matches Python's for these types: ": " after keys, "," at line ends,
  // "[]" / "{}" when empty, control characters as \u00xx, non-ASCII kept as UTF-8.
  return value.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string python_json_line(const nlohmann::ordered_json& value) {
  using ojson = nlohmann::ordered_json;
  auto scalar = [](const ojson& v) { return v.dump(-1, ' ', false, ojson::error_handler_t::replace); };
  switch (value.type()) {
    case ojson::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (const auto& [key, v] : value.items()) {
        if (!first) out += ", ";
        first = false;
        out.append(scalar(ojson(key))).append(": ").append(python_json_line(v));
      }
      return out + "}";
    }
    case ojson::value_t::array: {
      std::string out = "[";
      for (size_t i = 0; i < value.size(); ++i) {
        if (i > 0) out += ", ";
        out += python_json_line(value[i]);
      }
      return out + "]";
    }
    case ojson::value_t::number_float: {
      const double d = value.get<double>();
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
      return python_float_str(d);
    }
    default: return scalar(value);
  }
}

std::string hash_string(const std::string& text) {
  Sha256 h;
  h.update(text);
  return h.hex_digest();
}

}  // namespace mpt::reports
