// The GPT-NeoX tokenizer (models/tokenizer) behind the interface tasks depend on.
#pragma once

#include "models/tokenizer/tokenizer.h"
#include "tasks/tokenizer_interface.h"

namespace mpt {

// encode/decode are the tokenizer's (HF semantics; decode skips special tokens). GPT-NeoX adds no
// special tokens when encoding, so encode_with_special_tokens keeps the interface's default.
// bos_token_id is the end-of-text id (GPT-NeoX's bos_token is "<|endoftext|>"); there is no pad
// token (LLM Foundry pads with EOS then). Thread-safe, like the tokenizer.
class NeoxTokenizerAdapter : public TokenizerInterface {
 public:
  explicit NeoxTokenizerAdapter(Tokenizer tokenizer) : tokenizer_(std::move(tokenizer)) {}

  Tokens encode(std::string_view text) const override { return tokenizer_.encode(text); }
  std::string decode(const Tokens& ids) const override { return tokenizer_.decode(ids); }
  std::optional<TokenId> eos_token_id() const override { return tokenizer_.eos_token_id(); }
  std::optional<TokenId> bos_token_id() const override { return tokenizer_.eos_token_id(); }
  std::optional<TokenId> pad_token_id() const override { return std::nullopt; }

  const Tokenizer& tokenizer() const { return tokenizer_; }

 private:
  Tokenizer tokenizer_;
};

}  // namespace mpt
