#include "harness/live_eval.h"

#include <chrono>
#include <optional>
#include <unistd.h>

#include "common/error.h"
#include "common/log.h"
#include "common/paths.h"
#include "common/sha256.h"
#include "harness/checkpoint_run.h"
#include "backend/model_backend.h"
#include "harness/distributed/distributed_language_model.h"
#include "dist/world.h"
#include "backend/neox_tokenizer_adapter.h"
#include "models/mpt_model.h"
#include "results/content_hash.h"
#include "results/store.h"

namespace mpt {
namespace {

// Puts the model in evaluation mode for its lifetime and restores the mode it found, also when
// the evaluation throws.
class EvaluationMode {
 public:
  explicit EvaluationMode(MptModel& model) : model_(model), was_training_(model.training()) { model.set_training(false); }
  ~EvaluationMode() { model_.set_training(was_training_); }
  EvaluationMode(const EvaluationMode&) = delete;
  EvaluationMode& operator=(const EvaluationMode&) = delete;

 private:
  MptModel& model_;
  bool was_training_;
};

// Distinguishes the runs of two evaluators (two trainings, or a restarted one) on one database.
std::string new_session_id(const std::string& label) {
  const auto now = std::chrono::system_clock::now().time_since_epoch().count();
  return sha256_hex(label + "|" + std::to_string(now) + "|" + std::to_string(::getpid())).substr(0, 16);
}

std::map<std::string, double> flat_metrics(const RunOutcome& outcome) {
  std::map<std::string, double> m;
  for (const TaskOutcome& t : outcome.tasks)
    if (!t.metrics.empty()) m[t.label] = t.metrics.front().mean;
  if (!outcome.gauntlet) return m;
  // LLM Foundry's score where it has one, else the score over the benchmarks present (partial).
  for (const GauntletCategoryResult& c : outcome.gauntlet->categories)
    if (auto v = c.score ? c.score : c.partial_score) m["gauntlet/" + c.name] = *v;
  for (const GauntletAverageResult& a : outcome.gauntlet->averages)
    m["gauntlet/" + a.name] = a.complete() || !a.partial_score ? a.score : *a.partial_score;
  return m;
}

}  // namespace

LiveEvaluator::LiveEvaluator(const LiveEvalConfig& config, dist::World* world)
    : config_(config), world_(world), session_(new_session_id(config.label)) {
  if (config_.tasks_path.empty()) throw input_error("no task file", "LiveEvalConfig::tasks_path", "an icl_tasks YAML file", "\"\"");
  const bool writes = !world_ || world_->is_main();
  if (writes && config_.db_path.empty())
    throw input_error("no results database", "LiveEvalConfig::db_path", "a database path (or \":memory:\")", "\"\"");
  if (config_.data_root.empty()) config_.data_root = bundled_path("icl");
  const std::string tokenizer_path =
      config_.tokenizer_path.empty() ? Tokenizer::bundled_file() : config_.tokenizer_path;
  tokenizer_ = std::make_unique<NeoxTokenizerAdapter>(Tokenizer::from_file(tokenizer_path));

  EvalConfig eval{config_.tasks_path, config_.gauntlet_path, config_.data_root, config_.selectors, config_.limit,
                  config_.max_seq_len};
  auto suite = std::make_shared<const EvalSuite>(prepare_suite(eval, *tokenizer_));
  MPT_LOG(Info, "live evaluation: {} evaluation(s), {} log-likelihood and {} generation request(s) prepared",
          suite->tasks.size(), suite->loglikelihood_requests(), suite->generate_requests());
  RunnerOptions options;
  options.writes_store = writes;
  options.sandbox = config_.sandbox;
  runner_ = std::make_unique<EvalRunner>(std::move(suite), options);
  if (writes) {
    store_ = std::make_unique<results::Store>(results::Store::open(config_.db_path));
    tokenizer_hash_ = results::hash_tokenizer(*store_, tokenizer_path).hash;
  }
}

LiveEvaluator::~LiveEvaluator() = default;

LiveEvalResult LiveEvaluator::evaluate(MptModel& model, int64_t step) {
  const std::string& device = model.options().device;
  if (!config_.device.empty() && config_.device != device)
    throw input_error("model is not on the evaluation device", "LiveEvalConfig::device", config_.device,
                      "a model on " + device + " (live evaluation never copies the weights)");
  if (model.config().max_seq_len != config_.max_seq_len)
    throw input_error("model max_seq_len differs from the one the prompts were prepared for", "LiveEvalConfig::max_seq_len",
                      std::to_string(config_.max_seq_len), std::to_string(model.config().max_seq_len));

  EvaluationMode mode(model);
  results::RunSpec spec;
  spec.label = config_.label;
  spec.model_path = "live:" + config_.label;
  spec.model_hash = "live:" + session_ + ":step-" + std::to_string(step);
  spec.tokenizer_hash = tokenizer_hash_;
  std::unique_ptr<ModelBackend> backend = borrow_backend(model, *tokenizer_, config_.lm);
  spec.device = backend->device();
  spec.device_class = device_class_of(spec.device);
  spec.dtype = backend->store_dtype();
  spec.world_size = world_ ? world_->size() : 1;
  spec.training_step = step;

  std::optional<dist::DistributedLanguageModel> shared;
  LanguageModel* lm = &backend->language_model();
  if (world_ && world_->size() > 1) lm = &shared.emplace(*lm, world_->communicator());

  LiveEvalResult result;
  result.outcome = runner_->run(*lm, RunTarget{store_.get(), spec, std::nullopt, /*use_cache=*/false});
  result.metrics = flat_metrics(result.outcome);
  if (result.outcome.wrote)
    MPT_LOG(Info, "live evaluation at step {}: run {} ({:.1f} s)", step, result.outcome.run_id, result.outcome.wall_seconds);
  return result;
}

}  // namespace mpt
