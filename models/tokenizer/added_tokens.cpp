#include "models/tokenizer/added_tokens.h"

#include "models/tokenizer/unicode_class.h"
#include "models/tokenizer/utf8.h"

namespace mpt::tok {
namespace {

bool is_space(char32_t cp) { return char_class(cp) == CharClass::Space; }

// The last code point before byte offset `end` (text is valid UTF-8, end > 0).
char32_t code_point_before(std::string_view text, size_t end) {
  size_t start = end - 1;
  while (start > 0 && (static_cast<uint8_t>(text[start]) & 0xC0) == 0x80) --start;
  return next_code_point(text, start);
}

char32_t code_point_at(std::string_view text, size_t pos) { return next_code_point(text, pos); }

// Start of the whitespace run that ends at `end` (HF: the start of \s*$ in text[..end]).
size_t whitespace_start_before(std::string_view text, size_t end) {
  while (end > 0) {
    size_t start = end - 1;
    while (start > 0 && (static_cast<uint8_t>(text[start]) & 0xC0) == 0x80) --start;
    size_t p = start;
    if (!is_space(next_code_point(text, p))) break;
    end = start;
  }
  return end;
}

// End of the whitespace run that starts at `pos` (HF: the end of ^\s* in text[pos..]).
size_t whitespace_end_after(std::string_view text, size_t pos) {
  while (pos < text.size()) {
    size_t next = pos;
    if (!is_space(next_code_point(text, next))) break;
    pos = next;
  }
  return pos;
}

}  // namespace

void AddedTokenMatcher::add(std::string_view pattern, const AddedToken& token) {
  if (pattern.empty()) return;  // HF ignores empty added tokens
  int32_t node = 0;
  for (char ch : pattern) {
    auto b = static_cast<uint8_t>(ch);
    int32_t c = child(node, b);
    if (c < 0) {
      c = static_cast<int32_t>(nodes_.size());
      nodes_.push_back(Node{});
      nodes_[node].children.emplace_back(b, c);
    }
    node = c;
  }
  auto first = static_cast<uint8_t>(pattern[0]);
  starts_[first] = true;
  if (pattern.size() == 1) {
    for (size_t second = 0; second < 256; ++second) starts2_.set(first << 8 | second);
  } else {
    starts2_.set(first << 8 | static_cast<uint8_t>(pattern[1]));
  }
  if (nodes_[node].token >= 0) {
    tokens_[nodes_[node].token] = token;  // the same pattern twice: the later declaration wins
  } else {
    nodes_[node].token = static_cast<int32_t>(tokens_.size());
    tokens_.push_back(token);
  }
}

// A cheap filter before the trie walk: most positions (a space before a word) fail on two bytes.
bool AddedTokenMatcher::could_start_at(std::string_view text, size_t pos) const {
  auto first = static_cast<uint8_t>(text[pos]);
  if (!starts_[first]) return false;
  if (pos + 1 == text.size()) return true;
  return starts2_[first << 8 | static_cast<uint8_t>(text[pos + 1])];
}

int32_t AddedTokenMatcher::child(int32_t node, uint8_t byte) const {
  for (const auto& [b, c] : nodes_[node].children)
    if (b == byte) return c;
  return -1;
}

std::pair<size_t, int32_t> AddedTokenMatcher::longest_at(std::string_view text, size_t pos) const {
  int32_t node = 0, best = -1;
  size_t best_len = 0;
  for (size_t i = pos; i < text.size(); ++i) {
    node = child(node, static_cast<uint8_t>(text[i]));
    if (node < 0) break;
    if (nodes_[node].token >= 0) {
      best = nodes_[node].token;
      best_len = i + 1 - pos;
    }
  }
  return {best_len, best};
}

void AddedTokenMatcher::split(std::string_view text, std::vector<Segment>& out) const {
  size_t emitted = 0;  // end of the last segment written
  size_t pos = 0;      // where the search for the next match resumes
  auto push_text = [&](size_t end) {
    if (emitted < end) out.push_back({static_cast<uint32_t>(emitted), static_cast<uint32_t>(end), -1});
  };
  while (pos < text.size()) {
    if (!could_start_at(text, pos)) {
      ++pos;
      continue;
    }
    auto [len, index] = longest_at(text, pos);
    if (index < 0) {
      ++pos;
      continue;
    }
    const AddedToken& token = tokens_[index];
    size_t start = pos, stop = pos + len;
    pos = stop;
    if (token.single_word) {
      bool left_ok = start == 0 || !is_word_char(code_point_before(text, start));
      bool right_ok = stop == text.size() || !is_word_char(code_point_at(text, stop));
      if (!left_ok || !right_ok) continue;
    }
    if (token.lstrip) start = std::max(whitespace_start_before(text, start), emitted);
    if (token.rstrip) stop = whitespace_end_after(text, stop);
    push_text(start);
    out.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(stop), token.id});
    emitted = stop;
    pos = stop;
  }
  push_text(text.size());
}

}  // namespace mpt::tok
