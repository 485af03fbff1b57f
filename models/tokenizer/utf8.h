// UTF-8 helpers of the tokenizer: decoding code points, validation, and the lossy repair that
// Rust's String::from_utf8_lossy performs (the behaviour Hugging Face tokenizers shows on decode).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mpt::tok {

// Decodes the code point starting at s[i] and advances i past it. Precondition: s is valid UTF-8
// (is_valid_utf8) and i < s.size().
inline char32_t next_code_point(std::string_view s, size_t& i) {
  auto b = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
  uint8_t c = b(0);
  char32_t cp;
  if (c < 0x80) {
    cp = c;
    i += 1;
  } else if (c < 0xE0) {
    cp = (char32_t(c & 0x1F) << 6) | (b(1) & 0x3F);
    i += 2;
  } else if (c < 0xF0) {
    cp = (char32_t(c & 0x0F) << 12) | (char32_t(b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    i += 3;
  } else {
    cp = (char32_t(c & 0x07) << 18) | (char32_t(b(1) & 0x3F) << 12) | (char32_t(b(2) & 0x3F) << 6) | (b(3) & 0x3F);
    i += 4;
  }
  return cp;
}

// Appends the UTF-8 encoding of a Unicode scalar value.
void append_utf8(std::string& out, char32_t cp);

// True when s is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

// Returns s with every ill-formed sequence replaced by U+FFFD, one replacement per "maximal
// subpart" (Unicode 15 §3.9, the W3C rule that Rust's String::from_utf8_lossy follows): a valid lead
// byte followed by valid continuation bytes that stop short is one U+FFFD; every other bad byte is
// its own U+FFFD. Valid input comes back unchanged.
std::string utf8_lossy(std::string_view s);

}  // namespace mpt::tok
