// Decoding ids back to text, as Hugging Face's Tokenizer::decode with the ByteLevel decoder does it:
//   * each id becomes its token (an added token's content, else the vocabulary entry); ids that are
//     neither are skipped, and so are special tokens when skip_special_tokens is set;
//   * each token becomes the bytes its byte-level spelling stands for, or, when it has characters
//     outside that alphabet (a run of real spaces), its own UTF-8 bytes;
//   * the bytes of all tokens are joined, then ill-formed UTF-8 is repaired (utf8_lossy), so a
//     character split across tokens decodes whole and a lone fragment becomes U+FFFD;
//   * clean_up_tokenization_spaces applies transformers' clean_up_tokenization (see below).
#pragma once

#include <string>
#include <vector>

#include "common/tokens.h"

namespace mpt::tok {

class TokenDecoder {
 public:
  // Declares id's token: `spelling` as written in tokenizer.json; `special` for special tokens.
  // A later call for the same id replaces the earlier one (added tokens override the vocabulary).
  void set(TokenId id, const std::string& spelling, bool special);

  std::string decode(const Tokens& ids, bool skip_special_tokens, bool clean_up_tokenization_spaces) const;

 private:
  struct Entry {
    std::string bytes;
    bool present = false;
    bool special = false;
  };
  std::vector<Entry> entries_;
};

// transformers' PreTrainedTokenizerBase.clean_up_tokenization: these replacements, in this order,
// each over the whole string: " ." -> ".", " ?" -> "?", " !" -> "!", " ," -> ",", " ' " -> "'",
// " n't" -> "n't", " 'm" -> "'m", " 's" -> "'s", " 've" -> "'ve", " 're" -> "'re".
std::string clean_up_tokenization(std::string text);

}  // namespace mpt::tok
