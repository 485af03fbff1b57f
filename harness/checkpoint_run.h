// `mpt-eval run` as a library call: evaluate one checkpoint directory on a task file and keep the
// results in a store. Order: the tokenizer, the model's config (vocabulary against the tokenizer)
// and the task file first (input errors show before a large checkpoint is read), then the model
// (open_backend, backend/model_backend.h: every checkpoint file and the device validated), and
// only then the store (never created or touched for an input error), the content hashes
// (memoised); then the runner (eval_runner.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "backend/model_backend.h"
#include "harness/distributed/distributed_language_model.h"
#include "harness/eval_runner.h"
#include "harness/eval_suite.h"
#include "models/model_options.h"
#include "models/mpt_config.h"
#include "models/tokenizer/tokenizer.h"
#include "sandbox/sandbox_config.h"

namespace mpt {

struct CheckpointRunOptions {
  std::string model_dir;
  std::string tokenizer_path;   // "": <model_dir>/tokenizer.json when present, else the bundled GPT-NeoX-20B
  ModelOptions model;           // device, dtype, threads
  MptLanguageModelOptions lm;   // mode, batch tokens
  EvalConfig eval;              // tasks, gauntlet, data root, selectors, limit (max_seq_len: the model's)
  std::string db_path;          // results database
  std::optional<int64_t> resume_run_id;
  bool fresh = false;           // a new run even when an unfinished run of the same identity exists
  bool use_cache = true;
  std::string label;
  std::optional<int64_t> training_step;
  RunnerOptions runner;         // sandbox configuration for code tasks
  dist::DistributedModelOptions distributed;  // distributed runs: work per rank between exchanges
};

// The tokenizer.json a run uses (see tokenizer_path above).
std::string resolve_tokenizer_path(const std::string& model_dir, const std::string& tokenizer_path);

// Input error naming the config's vocab_size and the tokenizer file when the tokenizer can produce
// ids the model's embedding does not have (e.g. the 320-token test shape with the GPT-NeoX tokenizer).
void check_vocabulary(const Tokenizer& tokenizer, const std::string& tokenizer_path, const MptConfig& config,
                      const std::string& config_path);

namespace dist {
class World;
}  // namespace dist
namespace results {
class Store;
}  // namespace results

// The RunSpec run_checkpoint gives the run (model hash of the directory, memoised in `store`;
// tokenizer hash; device, dtype, label, step), without the suite's task and gauntlet text (the
// runner fills those in). The checkpoint watcher builds the same spec to find finished runs.
results::RunSpec checkpoint_run_spec(results::Store& store, const CheckpointRunOptions& options,
                                     const std::string& tokenizer_path);

// The outcome's wall_seconds covers the whole call (loading included).
// With a `world` of several ranks (dist/world.h), every rank calls this with the
// same options: the requests are shared over the ranks (DistributedLanguageModel), generated code
// runs in every rank's sandbox pool (RemoteExecution), and only rank 0 opens, reads and writes the
// store (the others return an outcome with wrote = false). The model loads on options.model.device
// (the caller sets each rank's own device).
RunOutcome run_checkpoint(const CheckpointRunOptions& options, dist::World* world = nullptr);

}  // namespace mpt
