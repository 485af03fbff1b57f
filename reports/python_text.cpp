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

namespace {

using ojson = nlohmann::ordered_json;

// json.dumps(value, ensure_ascii=False, indent=indent) (indent < 0: None, one line with ", " and
// ": "; else "," at line ends and `indent` spaces per level).
void python_json(const ojson& value, int indent, int level, std::string& out) {
  auto scalar = [](const ojson& v) { return v.dump(-1, ' ', false, ojson::error_handler_t::replace); };
  const bool is_object = value.is_object();
  if (is_object || value.is_array()) {
    if (value.empty()) {
      out += is_object ? "{}" : "[]";
      return;
    }
    out += is_object ? '{' : '[';
    std::string inner;  // what starts each item: nothing on one line, else a new line and its indent
    if (indent >= 0) inner.append(1, '\n').append(static_cast<size_t>(indent * (level + 1)), ' ');
    bool first = true;
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (!first) out += indent < 0 ? ", " : ",";
      first = false;
      out += inner;
      if (is_object) out.append(scalar(ojson(it.key()))).append(": ");
      python_json(it.value(), indent, level + 1, out);
    }
    if (indent >= 0) out.append("\n").append(static_cast<size_t>(indent * level), ' ');
    out += is_object ? '}' : ']';
    return;
  }
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (std::isnan(d)) out += "NaN";
    else if (std::isinf(d)) out += d < 0 ? "-Infinity" : "Infinity";
    else out += python_float_str(d);
    return;
  }
  out += scalar(value);
}

}  // namespace

std::string python_json_indent2(const nlohmann::ordered_json& value) {
  std::string out;
  python_json(value, 2, 0, out);
  return out;
}

std::string python_json_line(const nlohmann::ordered_json& value) {
  std::string out;
  python_json(value, -1, 0, out);
  return out;
}

std::string hash_string(const std::string& text) {
  Sha256 h;
  h.update(text);
  return h.hex_digest();
}

}  // namespace mpt::reports
