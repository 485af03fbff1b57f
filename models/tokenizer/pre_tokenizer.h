// The ByteLevel pre-tokenizer's split: GPT-2's regular expression
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// hand-compiled to a single left-to-right scan (linear time, no backtracking), with the character
// classes of unicode_class.h. Like Oniguruma, the first alternative that matches at a position
// wins, and each alternative is greedy; `\s+(?!\S)` gives back the last whitespace character of a
// run that a non-space follows, so that the next word keeps its leading space (" word").
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace mpt::tok {

struct Span {
  uint32_t begin;
  uint32_t end;
};

// Appends the pre-tokens of `text` (valid UTF-8) to `out`, as byte ranges that tile the text.
void split_gpt2(std::string_view text, std::vector<Span>& out);

}  // namespace mpt::tok
