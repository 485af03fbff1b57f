// Test doubles for the tasks room: a GPT-style word tokenizer, a scripted LanguageModel, and a
// scratch directory for YAML and JSONL inputs.
#pragma once

#include <cstdint>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tasks/requests.h"
#include "tests/support/fake_language_model.h"
#include "tasks/tokenizer_interface.h"

namespace mpt::test {

// Tokens are maximal runs of non-space characters with at most one leading space, or single
// whitespace characters: "Answer: yes" -> ["Answer:", " yes"]. So " a" is one token and LLM
// Foundry's prefix-space rule applies, as with GPT-NeoX. With join_space = false a space is
// always its own token (" a" -> [" ", "a"]: no prefix space, like SentencePiece tokenizers).
// Ids are assigned on first sight (0 is the end-of-text token "<eos>", 1 "<bos>"). With
// add_bos_eos, encode_with_special_tokens wraps the ids in BOS and EOS.
class WordTokenizer : public TokenizerInterface {
 public:
  explicit WordTokenizer(bool add_bos_eos = false, bool join_space = true);
  Tokens encode(std::string_view text) const override;
  Tokens encode_with_special_tokens(std::string_view text) const override;
  std::string decode(const Tokens& ids) const override;
  std::optional<TokenId> eos_token_id() const override { return 0; }
  std::optional<TokenId> bos_token_id() const override { return 1; }
  std::optional<TokenId> pad_token_id() const override { return std::nullopt; }
  std::vector<std::string> split(std::string_view text) const;

 private:
  bool add_bos_eos_;
  bool join_space_;
  mutable std::map<std::string, TokenId> ids_;
  mutable std::vector<std::string> words_;
};

// A fresh directory under the system temp dir, removed by the destructor.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  // Writes `content` to <dir>/<name> (creating folders) and returns the full path.
  std::string write(const std::string& name, const std::string& content) const;
  std::string path() const { return dir_.string(); }

 private:
  std::filesystem::path dir_;
};

}  // namespace mpt::test
