// GPT-2's byte-level alphabet: a fixed bijection between the 256 byte values and 256 printable
// code points (printable Latin-1 bytes map to themselves, the others to U+0100..U+0143), so that
// every byte string has a spelling in vocabulary entries ("Ġthe" is the bytes " the").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mpt::tok {

// The code point that spells byte b.
char32_t byte_to_code_point(uint8_t b);

// The UTF-8 spelling of a byte string, e.g. " the" -> "Ġthe".
std::string byte_level_spelling(std::string_view bytes);

// The bytes a byte-level token spells, or nullopt when the token (valid UTF-8) contains a character
// outside the alphabet (added tokens such as "<|endoftext|>" are inside it; a run of spaces is not).
std::optional<std::string> byte_level_bytes(std::string_view token);

}  // namespace mpt::tok
