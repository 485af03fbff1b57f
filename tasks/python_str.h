// Python `str` semantics over UTF-8 std::string, where LLM Foundry's prompt and answer code
// relies on them: strip()/rstrip() and split() use str.isspace's full Unicode whitespace set,
// len() counts code points, lower() is Python's full lowercase mapping.
//
// Invalid UTF-8 (which Python strings cannot hold) decodes as U+FFFD, one per bad byte.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mpt::py {

std::u32string decode_utf8(std::string_view s);
std::string encode_utf8(std::u32string_view s);

// str.isspace() for one code point: U+0009-000D, U+001C-001F, U+0020, U+0085, U+00A0, U+1680,
// U+2000-200A, U+2028, U+2029, U+202F, U+205F, U+3000.
bool isspace(char32_t c);
// Word characters of Python's `re` for str patterns (\w, \b): letters, numbers and '_'
// (Unicode categories L* and N*).
bool is_word_char(char32_t c);

std::string strip(std::string_view s);   // s.strip()
std::string rstrip(std::string_view s);  // s.rstrip()
bool has_edge_space(std::string_view s);  // s != s.strip()
bool startswith(std::string_view s, std::string_view prefix);
size_t len(std::string_view s);                              // len(s): code points
std::vector<std::string> split_whitespace(std::string_view s);  // s.split()
// s.split(sep)[-1] for a non-empty literal separator: the text after the last occurrence.
std::string after_last(std::string_view s, std::string_view sep);
// s.lower(): full case mapping (U+0130 becomes "i\u0307") and the Final_Sigma rule for U+03A3.
// Case tables come from utf8proc, whose Unicode version may differ slightly from the Python's.
std::string lower(std::string_view s);

}  // namespace mpt::py
