#include "harness/checkpoint_run.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>

#include <fmt/ranges.h>

#include "common/error.h"
#include "common/log.h"
#include "common/paths.h"
#include "harness/distributed/distributed_language_model.h"
#include "harness/distributed/remote_execution.h"
#include "dist/world.h"
#include "backend/neox_tokenizer_adapter.h"
#include "models/mpt_config.h"
#include "results/content_hash.h"
#include "results/store.h"
#include "sandbox/sandbox_pool.h"

namespace mpt {

std::string resolve_tokenizer_path(const std::string& model_dir, const std::string& tokenizer_path) {
  if (!tokenizer_path.empty()) return tokenizer_path;
  std::filesystem::path own = std::filesystem::path(model_dir) / "tokenizer.json";
  if (std::filesystem::exists(own)) return own.string();
  MPT_LOG(Info, "{} has no tokenizer.json: using the bundled GPT-NeoX-20B tokenizer", model_dir);
  return Tokenizer::bundled_file();
}

void check_vocabulary(const Tokenizer& tokenizer, const std::string& tokenizer_path, const MptConfig& config,
                      const std::string& config_path) {
  if (tokenizer.vocab_size() <= config.vocab_size) return;
  throw input_error("the tokenizer's ids do not fit the model's vocabulary", config_path + ", key 'vocab_size'",
                    "vocab_size >= " + std::to_string(tokenizer.vocab_size()) + " (ids of " + tokenizer_path +
                        " run up to " + std::to_string(tokenizer.vocab_size() - 1) +
                        "; pass the checkpoint's own --tokenizer, or a checkpoint made for this tokenizer)",
                    "vocab_size " + std::to_string(config.vocab_size));
}

results::RunSpec checkpoint_run_spec(results::Store& store, const CheckpointRunOptions& o, const std::string& tokenizer_path) {
  results::RunSpec spec;
  spec.label = o.label;
  spec.model_path = o.model_dir;
  spec.model_hash = results::hash_checkpoint(store, o.model_dir).hash;
  spec.tokenizer_hash = results::hash_tokenizer(store, tokenizer_path).hash;
  spec.device = o.model.device;
  spec.device_class = device_class_of(o.model.device);
  spec.dtype = dtype_store_name(o.model);
  spec.training_step = o.training_step;
  return spec;
}

RunOutcome run_checkpoint(const CheckpointRunOptions& o, dist::World* world) {
  const auto start_time = std::chrono::steady_clock::now();
  const bool distributed = world && world->size() > 1;
  const bool writes = !world || world->is_main();
  const std::string tokenizer_path = resolve_tokenizer_path(o.model_dir, o.tokenizer_path);
  NeoxTokenizerAdapter tokenizer(Tokenizer::from_file(tokenizer_path));
  const std::string config_path = (std::filesystem::path(o.model_dir) / "config.json").string();
  const MptConfig config = MptConfig::from_file(config_path);
  check_vocabulary(tokenizer.tokenizer(), tokenizer_path, config, config_path);
  EvalConfig eval = o.eval;
  eval.max_seq_len = config.max_seq_len;
  auto suite = std::make_shared<const EvalSuite>(prepare_suite(eval, tokenizer));

  // Every input is checked before the store is created or touched: the checkpoint (config, every
  // file's header and tensor layout) and the device by loading the model.
  std::unique_ptr<ModelBackend> backend = open_backend(o.model_dir, BackendOptions{o.model, o.lm}, tokenizer);

  // Only the writing rank touches the store (the others may not even see its file system).
  std::optional<results::Store> store;
  results::RunSpec spec;
  if (writes) {
    // --resume names a run of an existing store: never create an empty one for it.
    store.emplace(results::Store::open(o.db_path, o.resume_run_id ? results::SqliteDb::OpenMode::MustExist
                                                                   : results::SqliteDb::OpenMode::CreateIfMissing));
    spec = checkpoint_run_spec(*store, o, tokenizer_path);
  }
  MPT_LOG(Info, "{}", backend->description());

  RunnerOptions runner_options = o.runner;
  runner_options.writes_store = writes;
  LanguageModel* evaluated = &backend->language_model();
  std::optional<dist::DistributedLanguageModel> shared_lm;
  std::unique_ptr<dist::RemoteExecution> remote;
  if (distributed) {
    shared_lm.emplace(backend->language_model(), world->communicator(), o.distributed);
    evaluated = &*shared_lm;
    if (suite->has_code_tasks()) {
      remote = std::make_unique<dist::RemoteExecution>(world->rank(), world->size(), [config = suite->code_sandbox_config(o.runner.sandbox)] {
        auto pool = std::make_shared<sandbox::SandboxPool>(config);
        MPT_LOG(Info, "sandbox: {} worker(s); {}", pool->workers(), pool->isolation());
        return dist::RemoteExecution::Submit([pool](sandbox::Program p, dist::RemoteExecution::Done done) {
          pool->submit(std::move(p), std::move(done));
        });
      });
      shared_lm->set_generation_side_channel(remote.get());
      runner_options.code_execution = [&remote](sandbox::SandboxPool& pool) -> CodeExecutor::Submit {
        remote->use_pool([&pool](sandbox::Program p, dist::RemoteExecution::Done done) {
          pool.submit(std::move(p), std::move(done));
        });
        return [&remote](sandbox::Program p, dist::RemoteExecution::Done done) { remote->submit(std::move(p), std::move(done)); };
      };
    }
  }

  EvalRunner runner(suite, runner_options);
  RunOutcome outcome =
      runner.run(*evaluated, RunTarget{store ? &*store : nullptr, spec, o.resume_run_id, o.use_cache, o.fresh});
  if (remote && writes)
    MPT_LOG(Info, "generated programs executed per rank: {}", fmt::join(remote->assigned(), ", "));
  // The whole command: tokenizer, task preparation, hashing and model loading included.
  outcome.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  return outcome;
}

}  // namespace mpt
