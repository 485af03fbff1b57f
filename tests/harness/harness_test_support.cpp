#include "tests/harness/harness_test_support.h"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <mutex>

#include <gtest/gtest.h>

#include "models/mpt_config.h"
#include "models/random_checkpoint.h"
#include "models/tokenizer/tokenizer.h"

namespace mpt::test {
namespace fs = std::filesystem;

std::string tiny_neox_checkpoint(uint64_t seed) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("mpt-eval-tiny-neox-seed" + std::to_string(seed));
  if (fs::exists(dir / "model.safetensors")) return dir.string();
  // Written beside and renamed into place: other test processes may be doing the same.
  const fs::path tmp = dir.string() + ".tmp" + std::to_string(getpid());
  fs::remove_all(tmp);
  MptConfig config = MptConfig::preset("tiny");
  config.vocab_size = 50432;
  write_random_checkpoint(config, InitOptions{.seed = seed}, tmp.string());
  std::error_code ec;
  fs::rename(tmp, dir, ec);
  if (ec) fs::remove_all(tmp);  // another process got there first: its copy is identical
  return dir.string();
}

const NeoxTokenizerAdapter& neox_tokenizer() {
  static const NeoxTokenizerAdapter tok(Tokenizer::bundled());
  return tok;
}

std::unique_ptr<MptModel> load_tiny_model(uint64_t seed) { return MptModel::load(tiny_neox_checkpoint(seed)); }

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  dir_ = fs::path(::testing::TempDir()) /
         ("mpt-eval-harness-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(dir_);
  fs::create_directories(dir_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
  fs::path p = dir_ / name;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

}  // namespace mpt::test
