#include "models/tokenizer/pre_tokenizer.h"

#include <array>

#include "models/tokenizer/unicode_class.h"
#include "models/tokenizer/utf8.h"

namespace mpt::tok {
namespace {

const std::array<CharClass, 128>& ascii_classes() {
  static const auto table = [] {
    std::array<CharClass, 128> t{};
    for (char32_t c = 0; c < 128; ++c) t[c] = char_class(c);
    return t;
  }();
  return table;
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : s_(text), ascii_(ascii_classes()) {}

  // The class of the code point at i; `next` receives the offset after it.
  CharClass class_at(size_t i, size_t& next) const {
    auto c = static_cast<uint8_t>(s_[i]);
    if (c < 0x80) {
      next = i + 1;
      return ascii_[c];
    }
    next = i;
    return char_class(next_code_point(s_, next));
  }

  // End of the run of code points of class k that starts at i.
  size_t run_end(size_t i, CharClass k) const {
    size_t next;
    while (i < s_.size() && class_at(i, next) == k) i = next;
    return i;
  }

  // Length of the contraction ('s 't 're 've 'm 'll 'd, lowercase only) at i, or 0.
  size_t contraction_at(size_t i) const {
    if (s_[i] != '\'' || i + 1 >= s_.size()) return 0;
    char a = s_[i + 1];
    if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
    if (i + 2 >= s_.size()) return 0;
    char b = s_[i + 2];
    if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
    return 0;
  }

  // Length of the match at i (i < size): the first alternative of the regex that matches.
  size_t match_at(size_t i) const {
    if (size_t n = contraction_at(i)) return n;
    size_t next;
    CharClass k = class_at(i, next);
    if (k != CharClass::Space) return run_end(next, k) - i;  // \p{L}+, \p{N}+ or [^\s\p{L}\p{N}]+
    if (s_[i] == ' ' && next < s_.size()) {
      size_t after;
      CharClass k2 = class_at(next, after);
      if (k2 != CharClass::Space) return run_end(after, k2) - i;  // the same with the optional space
    }
    // \s+(?!\S) | \s+ : the whole run at the end of the text or when only one character long;
    // otherwise all but its last character.
    size_t last = i, end = i;
    while (end < s_.size() && class_at(end, next) == CharClass::Space) {
      last = end;
      end = next;
    }
    if (end == s_.size() || last == i) return end - i;
    return last - i;
  }

 private:
  std::string_view s_;
  const std::array<CharClass, 128>& ascii_;
};

}  // namespace

void split_gpt2(std::string_view text, std::vector<Span>& out) {
  Scanner scanner(text);
  size_t i = 0;
  while (i < text.size()) {
    size_t n = scanner.match_at(i);
    out.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(i + n)});
    i += n;
  }
}

}  // namespace mpt::tok
