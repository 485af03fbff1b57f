// Shared by the harness tests: the tiny random MPT with the real GPT-NeoX vocabulary (what
// `mpt-eval init --shape tiny --vocab-size 50432 --seed S` writes), scratch directories, and a
// scripted LanguageModel that counts what it is asked.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backend/neox_tokenizer_adapter.h"
#include "models/mpt_model.h"
#include "tasks/requests.h"
#include "tests/support/fake_language_model.h"

namespace mpt::test {

// The checkpoint directory, written once per seed under the test temp dir (atomically, so tests
// running in parallel share it).
std::string tiny_neox_checkpoint(uint64_t seed = 0);

// The bundled tokenizer behind the tasks' interface (loaded once).
const NeoxTokenizerAdapter& neox_tokenizer();

// The model of tiny_neox_checkpoint(seed), loaded on CPU in float32.
std::unique_ptr<MptModel> load_tiny_model(uint64_t seed = 0);

// A fresh directory under the test temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path() const { return dir_.string(); }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  // Writes `content` to <dir>/<name> and returns the full path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace mpt::test
