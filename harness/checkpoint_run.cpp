#include "harness/checkpoint_run.h"

#include <chrono>
#include <filesystem>
#include <memory>

#include "common/log.h"
#include "common/paths.h"
#include "harness/neox_tokenizer_adapter.h"
#include "models/mpt_config.h"
#include "models/mpt_model.h"
#include "results/content_hash.h"
#include "results/response_cache.h"
#include "results/store.h"

namespace mpt {

std::string resolve_tokenizer_path(const std::string& model_dir, const std::string& tokenizer_path) {
  if (!tokenizer_path.empty()) return tokenizer_path;
  std::filesystem::path own = std::filesystem::path(model_dir) / "tokenizer.json";
  if (std::filesystem::exists(own)) return own.string();
  MPT_LOG(Info, "{} has no tokenizer.json: using the bundled GPT-NeoX-20B tokenizer", model_dir);
  return bundled_path("tokenizer/gpt-neox-20b/tokenizer.json");
}

std::string dtype_store_name(DType dtype) {
  switch (dtype) {
    case DType::F32: return "float32";
    case DType::BF16: return "bfloat16";
    case DType::F16: return "float16";
  }
  return "unknown";
}

RunOutcome run_checkpoint(const CheckpointRunOptions& o) {
  const auto start_time = std::chrono::steady_clock::now();
  const std::string tokenizer_path = resolve_tokenizer_path(o.model_dir, o.tokenizer_path);
  NeoxTokenizerAdapter tokenizer(Tokenizer::from_file(tokenizer_path));
  EvalConfig eval = o.eval;
  eval.max_seq_len = MptConfig::from_file((std::filesystem::path(o.model_dir) / "config.json").string()).max_seq_len;
  auto suite = std::make_shared<const EvalSuite>(prepare_suite(eval, tokenizer));

  results::Store store = results::Store::open(o.db_path);
  results::RunSpec spec;
  spec.label = o.label;
  spec.model_path = o.model_dir;
  spec.model_hash = results::hash_checkpoint(store, o.model_dir).hash;
  spec.tokenizer_hash = results::hash_tokenizer(store, tokenizer_path).hash;
  spec.device = o.model.device;
  spec.device_class = o.model.device.rfind("cuda", 0) == 0 ? "cuda" : "cpu";
  spec.dtype = dtype_store_name(o.model.dtype);
  spec.training_step = o.training_step;

  std::unique_ptr<MptModel> model = MptModel::load(o.model_dir, o.model);
  results::ModelIdentity identity{spec.model_hash, spec.dtype, spec.device_class};
  MptLanguageModel lm(*model, tokenizer, identity.to_string(), o.lm);
  MPT_LOG(Info, "model {} on {} ({}, {} mode)", o.model_dir, spec.device, spec.dtype, lm.exact() ? "exact" : "batched");

  EvalRunner runner(suite, o.runner);
  RunOutcome outcome = runner.run(lm, RunTarget{&store, spec, o.resume_run_id, o.use_cache});
  // The whole command: tokenizer, task preparation, hashing and model loading included.
  outcome.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  return outcome;
}

}  // namespace mpt
