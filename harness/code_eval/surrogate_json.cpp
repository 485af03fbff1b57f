#include "harness/code_eval/surrogate_json.h"

#include <cstdio>

#include "common/error.h"

namespace mpt::code_eval {
namespace {

constexpr uint32_t kPlaceholderBase = 0x10F800;  // + (surrogate - 0xD800): U+10F800 .. U+10FFFF

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The UTF-16 unit of a "\uXXXX" escape at text[at] (at points at the backslash), or -1.
long escape_unit(std::string_view text, size_t at) {
  if (at + 6 > text.size() || text[at] != '\\' || text[at + 1] != 'u') return -1;
  long unit = 0;
  for (size_t i = at + 2; i < at + 6; ++i) {
    int h = hex_value(text[i]);
    if (h < 0) return -1;
    unit = unit * 16 + h;
  }
  return unit;
}

bool is_high(long u) { return u >= 0xD800 && u <= 0xDBFF; }
bool is_low(long u) { return u >= 0xDC00 && u <= 0xDFFF; }

void append_utf8(std::string& out, uint32_t cp) {  // cp in plane 16: four bytes
  out += static_cast<char>(0xF0 | (cp >> 18));
  out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out += static_cast<char>(0x80 | (cp & 0x3F));
}

// Calls fn(position, unit) for each placeholder's UTF-8 sequence in s (F4 8F A0..BF 80..BF).
template <typename Fn>
void for_each_placeholder(const std::string& s, Fn fn) {
  for (size_t i = 0; i + 3 < s.size(); ++i) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
    if (b(0) == 0xF4 && b(1) == 0x8F && b(2) >= 0xA0 && b(2) <= 0xBF && (b(3) & 0xC0) == 0x80) {
      uint32_t cp = ((b(0) & 0x07u) << 18) | ((b(1) & 0x3Fu) << 12) | ((b(2) & 0x3Fu) << 6) | (b(3) & 0x3Fu);
      fn(i, 0xD800 + (cp - kPlaceholderBase));
      i += 3;
    }
  }
}

size_t count_placeholders(const nlohmann::json& v) {
  size_t n = 0;
  auto count = [&](const std::string& s) { for_each_placeholder(s, [&](size_t, uint32_t) { ++n; }); };
  if (v.is_string()) count(v.get_ref<const std::string&>());
  if (v.is_object())
    for (const auto& [key, item] : v.items()) {
      count(key);
      n += count_placeholders(item);
    }
  if (v.is_array())
    for (const auto& item : v) n += count_placeholders(item);
  return n;
}

}  // namespace

nlohmann::json parse_json_keeping_surrogates(std::string_view text, const std::string& where) {
  std::string rewritten;
  size_t substituted = 0;
  size_t copied = 0;  // text[..copied) is in `rewritten` (built only when something is substituted)
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') continue;
    long unit = escape_unit(text, i);
    if (unit < 0) {  // another escape: skip its second character (it may be a backslash)
      ++i;
      continue;
    }
    if (is_high(unit) && is_low(escape_unit(text, i + 6))) {  // a proper pair
      i += 11;
      continue;
    }
    if (is_high(unit) || is_low(unit)) {
      rewritten.append(text.substr(copied, i - copied));
      append_utf8(rewritten, kPlaceholderBase + static_cast<uint32_t>(unit - 0xD800));
      copied = i + 6;
      ++substituted;
    }
    i += 5;
  }
  if (substituted == 0) return nlohmann::json::parse(text);
  rewritten.append(text.substr(copied));
  nlohmann::json value = nlohmann::json::parse(rewritten);
  if (count_placeholders(value) != substituted)
    throw input_error("cannot keep lone surrogates", where,
                      "lone surrogate escapes, or code points U+10F800..U+10FFFF, not both in one line",
                      "both");
  return value;
}

std::string dump_json_keeping_surrogates(const nlohmann::json& value) {
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  size_t copied = 0;
  for_each_placeholder(text, [&](size_t at, uint32_t unit) {
    char escape[8];
    std::snprintf(escape, sizeof escape, "\\u%04x", unit);
    out.append(text, copied, at - copied);
    out += escape;
    copied = at + 4;
  });
  if (copied == 0) return text;
  out.append(text, copied, std::string::npos);
  return out;
}

std::string replace_surrogate_placeholders(const std::string& text) {
  std::string out;
  size_t copied = 0;
  for_each_placeholder(text, [&](size_t at, uint32_t) {
    out.append(text, copied, at - copied);
    out += "\xEF\xBF\xBD";
    copied = at + 4;
  });
  if (copied == 0) return text;
  out.append(text, copied, std::string::npos);
  return out;
}

}  // namespace mpt::code_eval
