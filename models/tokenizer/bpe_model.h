// The byte-level BPE model: one pre-token's bytes in, token ids out, exactly as Hugging Face's BPE
// model does it on the byte-level spelling of those bytes.
//
// Each byte starts as the token that spells it; then, repeatedly, the adjacent pair with the lowest
// merge rank (the leftmost one on ties) is replaced by its merged token, until no pair has a rule.
// This runs as a min-heap of candidate pairs over a linked list of symbols: O(n log n) for an
// n-byte word, so a megabyte without a space costs no more per byte than a short word. Results of
// words under WordCache::kMaxWordBytes bytes are cached. Thread-safe (const; the cache locks).
//
// Model options from tokenizer.json, as HF applies them:
//   ignore_merges  a word that is itself a vocabulary entry becomes that one token;
//   byte_fallback  a byte whose spelling is not in the vocabulary becomes the tokens "<0xXY>" of
//                  the UTF-8 bytes of its spelling, when they all exist;
//   unk_token      otherwise such a byte becomes the unknown token (consecutive ones fused into one
//                  with fuse_unk); without unk_token it is dropped.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "models/tokenizer/merge_table.h"
#include "models/tokenizer/word_cache.h"
#include "common/tokens.h"

namespace mpt::tok {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
// Token spelling (as written in tokenizer.json) -> id.
using Vocab = std::unordered_map<std::string, TokenId, StringHash, std::equal_to<>>;

struct BpeOptions {
  std::optional<std::string> unk_token;
  bool fuse_unk = false;
  bool byte_fallback = false;
  bool ignore_merges = false;
  size_t cache_capacity = 1 << 17;  // cache slots (half of them usable); 0 disables the cache
};

class BpeModel {
 public:
  // `merges` are pairs of vocabulary spellings in rank order. Throws mpt::Error (Input), naming
  // `where`, when a merge names a token (or yields a concatenation) missing from the vocabulary,
  // or when unk_token is not in it.
  BpeModel(const Vocab& vocab, const std::vector<std::pair<std::string, std::string>>& merges,
           const BpeOptions& options, const std::string& where);

  // Appends the ids of one pre-token, given as raw bytes, to `out`.
  void encode_word(std::string_view word, Tokens& out) const;

 private:
  void initial_symbols(std::string_view word, Tokens& symbols) const;
  void merge(Tokens& symbols) const;

  std::array<TokenId, 256> byte_ids_;             // the token spelling each byte, or -1
  std::array<std::vector<TokenId>, 256> fallback_;  // byte_fallback tokens of each byte, or empty
  std::optional<TokenId> unk_id_;
  bool fuse_unk_;
  bool ignore_merges_;
  std::unordered_map<std::string, TokenId, StringHash, std::equal_to<>> byte_vocab_;  // for ignore_merges
  MergeTable merges_;
  WordCache cache_;
};

}  // namespace mpt::tok
