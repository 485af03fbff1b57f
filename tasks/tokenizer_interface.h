// What tasks need from a tokenizer. Tasks depend on this interface only; the harness adapts the
// GPT-NeoX tokenizer (models/tokenizer) to it, and tests may use small fakes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tasks/requests.h"

namespace mpt {

class TokenizerInterface {
 public:
  virtual ~TokenizerInterface() = default;
  // Encodes text exactly as Hugging Face tokenizers would (no special tokens added). Thread-safe.
  virtual Tokens encode(std::string_view text) const = 0;
  // Encodes like Hugging Face's tokenizer(text) with add_special_tokens=True: encode() plus the
  // special tokens the tokenizer's post-processor adds (BOS/EOS for some tokenizers). LLM Foundry
  // tokenizes the few-shot preamble (and measures answers) this way. The default adds nothing,
  // which is right for GPT-NeoX (its ByteLevel post-processor adds no tokens).
  virtual Tokens encode_with_special_tokens(std::string_view text) const { return encode(text); }
  // Decodes ids to UTF-8 text, skipping special tokens (HF's default).
  virtual std::string decode(const Tokens& ids) const = 0;
  virtual std::optional<TokenId> eos_token_id() const = 0;
  virtual std::optional<TokenId> bos_token_id() const = 0;
  virtual std::optional<TokenId> pad_token_id() const = 0;
};

// LLM Foundry's tokenizer_needs_prefix_space: true when " a" encodes to a single token (GPT-2 style
// BPE), in which case answers and choices get a leading space.
inline bool tokenizer_needs_prefix_space(const TokenizerInterface& tokenizer) {
  return tokenizer.encode(" a").size() == 1;
}

}  // namespace mpt
