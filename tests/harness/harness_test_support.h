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

#include "harness/neox_tokenizer_adapter.h"
#include "models/mpt_model.h"
#include "tasks/requests.h"

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

// A LanguageModel answering from callbacks, counting calls and requests.
class CountingModel : public LanguageModel {
 public:
  std::function<LoglikelihoodResponse(const LoglikelihoodRequest&)> on_loglikelihood;
  std::function<GenerateResponse(const GenerateRequest&)> on_generate;
  int loglikelihood_calls = 0, generate_calls = 0;
  int64_t loglikelihood_requests = 0, generate_requests = 0;

  std::vector<LoglikelihoodResponse> loglikelihood(const std::vector<LoglikelihoodRequest>& requests,
                                                   const LoglikelihoodCallback& cb = {}) override;
  std::vector<GenerateResponse> generate(const std::vector<GenerateRequest>& requests,
                                         const GenerateCallback& cb = {}) override;
  int32_t max_sequence_length() const override { return 2048; }
  std::string identity() const override { return "counting"; }
};

// A deterministic answer that depends on every token of the request (a stand-in for a model).
LoglikelihoodResponse pseudo_loglikelihood(const LoglikelihoodRequest& request);

}  // namespace mpt::test
