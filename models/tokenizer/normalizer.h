// The Unicode normalizers a tokenizer.json may name ("NFC", "NFD", "NFKC", "NFKD", or a "Sequence"
// of them), as Hugging Face tokenizers applies them. GPT-NeoX uses NFC.
//
// HF's normalizer follows Unicode 9.0 (see hf_unicode_tables.h): marks and decompositions added
// later are left alone, exactly as there. The algorithm is UAX #15's (full decomposition, canonical
// ordering, canonical composition) with decomposition mappings, class values and composites from
// utf8proc, restricted to what HF knows. Linear time up to the sort of each run of combining marks.
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
