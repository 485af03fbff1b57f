// Added tokens (tokenizer.json "added_tokens"): the strings matched in the text before the model
// sees it, as Hugging Face's AddedVocabulary does it. Matching is leftmost-longest over a trie; a
// match is then checked and widened by the token's flags:
//   single_word  the match is dropped unless no word character (\w) touches it on either side;
//   lstrip       the match takes the whitespace (\s) before it, back to the previous match;
//   rstrip       the match takes the whitespace after it.
// A dropped match stays part of the surrounding text and the search resumes after it (as HF's
// iterator does). After an rstrip match the search resumes after the taken whitespace (HF resumes
// inside it and can emit overlapping pieces there; no known tokenizer.json meets that case).
// Cost: O(text length × longest added token), linear for a given tokenizer.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/tokens.h"

namespace mpt::tok {

struct AddedToken {
  std::string content;
  TokenId id = 0;
  bool special = false;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = true;
};

// A piece of the text: plain text when id < 0, else the added token `id`.
struct Segment {
  uint32_t begin;
  uint32_t end;
  TokenId id;
};

class AddedTokenMatcher {
 public:
  AddedTokenMatcher() = default;
  // `pattern` is what is searched for (the content, or its normalized form for normalized tokens).
  void add(std::string_view pattern, const AddedToken& token);
  bool empty() const { return tokens_.empty(); }

  // Appends the segments of `text` (valid UTF-8) to `out`: non-empty, in order, tiling the text.
  void split(std::string_view text, std::vector<Segment>& out) const;

 private:
  struct Node {
    std::vector<std::pair<uint8_t, int32_t>> children;
    int32_t token = -1;  // index into tokens_ when a pattern ends here
  };
  // The longest pattern starting at `pos`: its length and token index, or token index -1.
  std::pair<size_t, int32_t> longest_at(std::string_view text, size_t pos) const;
  int32_t child(int32_t node, uint8_t byte) const;

  std::vector<Node> nodes_{Node{}};
  std::vector<AddedToken> tokens_;
  bool could_start_at(std::string_view text, size_t pos) const;

  std::array<bool, 256> starts_{};  // first bytes of patterns
  std::bitset<65536> starts2_;      // first two bytes of patterns (any second byte for 1-byte ones)
};

}  // namespace mpt::tok
