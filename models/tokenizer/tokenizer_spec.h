// Reading a Hugging Face tokenizer.json of the byte-level BPE family into plain parts.
//
// Supported (anything else is an Input error that names the file and the key):
//   model          {"type": "BPE", vocab, merges ("a b" strings or ["a", "b"] pairs), dropout null
//                  or 0, unk_token, fuse_unk, byte_fallback, ignore_merges; continuing_subword_prefix
//                  and end_of_word_suffix null or ""}
//   normalizer     null, NFC, NFD, NFKC, NFKD, or a Sequence of these
//   pre_tokenizer  ByteLevel (add_prefix_space, use_regex; trim_offsets only moves offsets)
//   decoder        ByteLevel
//   added_tokens   any, with their single_word / lstrip / rstrip / normalized / special flags
// post_processor is not read: mpt-eval never adds special tokens around an encoding, and the
// ByteLevel post-processor only trims offsets. truncation and padding are ignored with a warning:
// callers manage lengths themselves.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "models/tokenizer/added_tokens.h"
#include "models/tokenizer/bpe_model.h"
#include "models/tokenizer/normalizer.h"

namespace mpt::tok {

struct TokenizerSpec {
  Vocab vocab;
  std::vector<std::pair<std::string, std::string>> merges;  // in rank order
  BpeOptions bpe;
  // With the ids HF gives them on load: a content already in the vocabulary (or listed earlier)
  // keeps that id, a new one gets the next id from the vocabulary's size up. A different "id" in
  // the file is logged as a warning, as HF does.
  std::vector<AddedToken> added_tokens;
  Normalizer normalizer;
  bool add_prefix_space = false;
  bool use_regex = true;
};

// Parses `json_text`; `where` (the file name) goes into every error message.
TokenizerSpec parse_tokenizer_spec(const std::string& json_text, const std::string& where);

}  // namespace mpt::tok
