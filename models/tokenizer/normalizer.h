// The Unicode normalizers a tokenizer.json may name ("NFC", "NFD", "NFKC", "NFKD", or a "Sequence"
// of them), applied with utf8proc. GPT-NeoX uses NFC.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mpt::tok {

enum class NormalForm { NFC, NFD, NFKC, NFKD };

class Normalizer {
 public:
  Normalizer() = default;  // the identity (tokenizer.json "normalizer": null)
  explicit Normalizer(std::vector<NormalForm> steps) : steps_(std::move(steps)) {}

  bool is_identity() const { return steps_.empty(); }

  // Writes the normalized form of `text` (valid UTF-8) to `out`, replacing its content. ASCII runs
  // are copied as they are: an ASCII character is a starter that no normalization form changes or
  // composes with what precedes it, so only the non-ASCII stretches (with the one character before
  // each, which a following combining mark may join) go through utf8proc.
  void normalize(std::string_view text, std::string& out) const;

 private:
  std::vector<NormalForm> steps_;
};

}  // namespace mpt::tok
