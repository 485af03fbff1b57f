// The GPT-NeoX tokenizer (and any byte-level BPE tokenizer.json of the GPT-2 family), exact to
// Hugging Face tokenizers: the same ids for every input, the same text back from decode.
//
//   mpt::Tokenizer tok = mpt::Tokenizer::bundled();
//   mpt::Tokens ids = tok.encode("Hello world");   // {12092, 1533}
//   std::string text = tok.decode(ids);            // "Hello world"
//
// Encoding, step by step (as HF's Tokenizer::encode with add_special_tokens, which for these files
// adds nothing):
//   1. text that is not valid UTF-8 is repaired first (each ill-formed sequence -> U+FFFD, as Rust's
//      String::from_utf8_lossy; HF only ever sees valid strings);
//   2. added tokens with normalized=false (the specials, e.g. "<|endoftext|>") are cut out of the raw
//      text, leftmost-longest;
//   3. each remaining piece is normalized (NFC for GPT-NeoX), then the normalized=true added tokens
//      (GPT-NeoX: runs of 2..24 spaces) are cut out of it;
//   4. each remaining piece gets a leading space if add_prefix_space is set, is split by GPT-2's
//      regular expression (unless use_regex is false) and each pre-token goes through BPE.
// Encoding costs time linear in the input (BPE is O(n log n) per word); see docs/tokenizer.md.
//
// A Tokenizer is immutable after loading and cheap to copy (copies share the loaded tables); every
// method may be called from any number of threads at once.
#pragma once

#include <cstdint>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/tokens.h"

namespace mpt {

class Tokenizer {
 public:
  // Loads a Hugging Face tokenizer.json. Throws mpt::Error (Input) naming the file and the key when
  // the file is missing, is not JSON, or uses a model, normalizer, pre-tokenizer or decoder outside
  // the byte-level BPE family (see models/tokenizer/tokenizer_spec.h for what is supported).
  static Tokenizer from_file(const std::string& tokenizer_json);
  // dir/tokenizer.json when it exists, else the bundled GPT-NeoX-20B tokenizer (logged at Info).
  // Throws mpt::Error (Input) when dir is not a directory.
  static Tokenizer from_model_dir(const std::string& dir);
  // The bundled GPT-NeoX-20B tokenizer: data/tokenizer/gpt-neox-20b/tokenizer.json (common/paths.h),
  // and that file's path (what the results store hashes).
  static Tokenizer bundled();
  static std::string bundled_file();

  // The ids of `text`, as HF's encode(text).ids; no BOS/EOS added.
  Tokens encode(std::string_view text) const;
  // The text of `ids`, as HF's decode(ids, skip_special_tokens); with clean_up_tokenization_spaces,
  // transformers' clean_up_tokenization afterwards. Ids that name no token are skipped, as HF does.
  std::string decode(const Tokens& ids, bool skip_special_tokens = true,
                     bool clean_up_tokenization_spaces = false) const;

  // The id of a token as spelled in tokenizer.json ("Ġthe", "<|endoftext|>"); added tokens first.
  std::optional<TokenId> token_to_id(std::string_view token) const;
  // The id of "<|endoftext|>" (0 for GPT-NeoX), or nullopt when the tokenizer has no such token.
  std::optional<TokenId> eos_token_id() const;
  // One past the highest id (50277 for GPT-NeoX); every id encode returns is below it.
  int32_t vocab_size() const;
  // SHA-256 (lowercase hex) of the tokenizer.json bytes, for result provenance and cache keys.
  const std::string& content_hash() const;
  // The file this tokenizer was loaded from.
  const std::string& path() const;

 private:
  struct Impl;
  explicit Tokenizer(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace mpt
