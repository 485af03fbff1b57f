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
  // Decodes ids to UTF-8 text, skipping special tokens (HF's default).
  virtual std::string decode(const Tokens& ids) const = 0;
  virtual std::optional<TokenId> eos_token_id() const = 0;
  virtual std::optional<TokenId> bos_token_id() const = 0;
  virtual std::optional<TokenId> pad_token_id() const = 0;
};

}  // namespace mpt
