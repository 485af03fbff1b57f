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

std::vector<LoglikelihoodResponse> CountingModel::loglikelihood(const std::vector<LoglikelihoodRequest>& requests,
                                                                const LoglikelihoodCallback& cb) {
  ++loglikelihood_calls;
  loglikelihood_requests += static_cast<int64_t>(requests.size());
  std::vector<LoglikelihoodResponse> out;
  for (size_t i = 0; i < requests.size(); ++i) {
    out.push_back(on_loglikelihood ? on_loglikelihood(requests[i]) : pseudo_loglikelihood(requests[i]));
    if (cb) cb(i, out.back());
  }
  return out;
}

std::vector<GenerateResponse> CountingModel::generate(const std::vector<GenerateRequest>& requests,
                                                      const GenerateCallback& cb) {
  ++generate_calls;
  generate_requests += static_cast<int64_t>(requests.size());
  std::vector<GenerateResponse> out;
  for (size_t i = 0; i < requests.size(); ++i) {
    out.push_back(on_generate ? on_generate(requests[i]) : GenerateResponse{{7}, " nothing", FinishReason::Length});
    if (cb) cb(i, out.back());
  }
  return out;
}

LoglikelihoodResponse pseudo_loglikelihood(const LoglikelihoodRequest& r) {
  uint64_t h = 1469598103934665603ull;
  for (TokenId t : r.context) h = (h ^ static_cast<uint64_t>(t)) * 1099511628211ull;
  LoglikelihoodResponse out;
  out.num_tokens = static_cast<int32_t>(r.continuation.size());
  for (TokenId t : r.continuation) {
    h = (h ^ static_cast<uint64_t>(t)) * 1099511628211ull;
    float lp = -static_cast<float>(h % 1000) / 100.0f;
    out.token_logprobs.push_back(lp);
    out.logprob += lp;
    out.greedy = out.greedy && h % 3 == 0;
  }
  return out;
}

}  // namespace mpt::test
