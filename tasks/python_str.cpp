#include "tasks/python_str.h"

#include <utf8proc.h>

namespace mpt::py {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool is_cased(char32_t c) {
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT: return true;
    default: return false;
  }
}

// Unicode Case_Ignorable: Mn, Me, Cf, Lm, Sk, plus the Word_Break MidLetter / MidNumLet /
// Single_Quote characters.
bool is_case_ignorable(char32_t c) {
  switch (c) {
    case U'\'': case U'.': case U':': case 0x00B7: case 0x0387: case 0x05F4: case 0x2018: case 0x2019:
    case 0x2024: case 0x2027: case 0xFE13: case 0xFE52: case 0xFE55: case 0xFF07: case 0xFF0E: case 0xFF1A:
      return true;
    default: break;
  }
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_SK: return true;
    default: return false;
  }
}

// CPython's handle_capital_sigma: final form when preceded by a cased letter (skipping
// case-ignorables) and not followed by one.
bool final_sigma(const std::u32string& s, size_t i) {
  size_t j = i;
  while (j > 0 && is_case_ignorable(s[j - 1])) --j;
  if (j == 0 || !is_cased(s[j - 1])) return false;
  size_t k = i + 1;
  while (k < s.size() && is_case_ignorable(s[k])) ++k;
  return k == s.size() || !is_cased(s[k]);
}

}  // namespace

std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    utf8proc_int32_t cp = 0;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                              static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) {
      out.push_back(kReplacement);
      ++i;
    } else {
      out.push_back(static_cast<char32_t>(cp));
      i += static_cast<size_t>(n);
    }
  }
  return out;
}

std::string encode_utf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  utf8proc_uint8_t buf[4];
  for (char32_t c : s) {
    auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
  }
  return out;
}

bool isspace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool is_word_char(char32_t c) {
  if (c == U'_') return true;
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
      return true;
    default: return false;
  }
}

namespace {

// The code point starting at s[i] (U+FFFD and length 1 for an invalid sequence).
char32_t code_point_at(std::string_view s, size_t i, size_t* length) {
  utf8proc_int32_t cp = 0;
  auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                            static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  *length = n <= 0 ? 1 : static_cast<size_t>(n);
  return n <= 0 ? kReplacement : static_cast<char32_t>(cp);
}

size_t leading_space_bytes(std::string_view s) {
  size_t i = 0, n = 0;
  while (i < s.size() && isspace(code_point_at(s, i, &n))) i += n;
  return i;
}

// Bytes kept after removing trailing whitespace: walk back to each code point's first byte.
size_t end_without_trailing_space(std::string_view s) {
  size_t end = s.size();
  while (end > 0) {
    size_t start = end - 1;
    while (start > 0 && end - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    size_t n = 0;
    char32_t c = code_point_at(s, start, &n);
    if (start + n != end) {  // not a well-formed sequence ending here: the last byte alone
      start = end - 1;
      c = kReplacement;
    }
    if (!isspace(c)) break;
    end = start;
  }
  return end;
}

}  // namespace

std::string strip(std::string_view s) {
  size_t end = end_without_trailing_space(s);
  size_t begin = leading_space_bytes(s.substr(0, end));
  return std::string(s.substr(begin, end - begin));
}

std::string rstrip(std::string_view s) { return std::string(s.substr(0, end_without_trailing_space(s))); }

bool has_edge_space(std::string_view s) {
  return !s.empty() && (leading_space_bytes(s) > 0 || end_without_trailing_space(s) < s.size());
}

bool startswith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

size_t len(std::string_view s) { return decode_utf8(s).size(); }

std::vector<std::string> split_whitespace(std::string_view s) {
  std::u32string u = decode_utf8(s);
  std::vector<std::string> out;
  size_t i = 0;
  while (i < u.size()) {
    while (i < u.size() && isspace(u[i])) ++i;
    size_t start = i;
    while (i < u.size() && !isspace(u[i])) ++i;
    if (i > start) out.push_back(encode_utf8(std::u32string_view(u).substr(start, i - start)));
  }
  return out;
}

std::string after_last(std::string_view s, std::string_view sep) {
  // Left-to-right, non-overlapping, as str.split does ("aaa".split("aa")[-1] == "a").
  size_t start = 0;
  if (sep.empty()) return std::string(s);
  for (size_t at = s.find(sep); at != std::string_view::npos; at = s.find(sep, start)) start = at + sep.size();
  return std::string(s.substr(start));
}

std::string lower(std::string_view s) {
  std::u32string u = decode_utf8(s);
  std::u32string out;
  out.reserve(u.size());
  for (size_t i = 0; i < u.size(); ++i) {
    char32_t c = u[i];
    if (c == 0x0130) {  // the one unconditional multi-character lowercase mapping
      out.push_back(U'i');
      out.push_back(0x0307);
    } else if (c == 0x03A3) {
      out.push_back(final_sigma(u, i) ? 0x03C2 : 0x03C3);
    } else {
      out.push_back(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c))));
    }
  }
  return encode_utf8(out);
}

}  // namespace mpt::py
