// Live evaluation during training: the hook a libtorch training loop calls every N steps.
//
//   mpt::LiveEvalConfig config;
//   config.tasks_path = "tasks.yaml"; config.limit = 100; config.db_path = "train.db"; config.label = "run-42";
//   mpt::LiveEvaluator eval(config);                                  // once: prompts tokenized, store opened
//   for (int64_t step = 1; step <= steps; ++step) {
//     ... forward, loss.backward(), optimizer.step() on model->named_parameters() ...
//     if (step % 500 == 0) {
//       mpt::LiveEvalResult r = eval.evaluate(*model, step);          // in place, no weight copy
//       log(r.metrics.at("lambada_openai/0-shot"));
//     }
//   }
//
// Contract of evaluate(model, step):
//   * the model is evaluated IN PLACE: the weights the training loop trains are read through their
//     live tensors; nothing is copied, nothing is written to them, requires_grad flags are untouched;
//   * gradients are off: the model is switched to evaluation mode (MptModel::set_training(false)),
//     in which every forward pass runs under c10::InferenceMode, so no autograd graph is recorded
//     and no .grad changes; the previous mode is restored on return, also when evaluation throws;
//   * the suite (task file, data, prompts tokenized, requests built) and the store were prepared
//     by the constructor and are reused unchanged by every call: the task and data files are not
//     read again;
//   * the run is written to the store with RunSpec::training_step = step, label config.label,
//     model_path "live:<label>", and a model_hash "live:<session>:step-<step>" that is unique to
//     this evaluator and step. The response cache is OFF for live runs: it is keyed by the model
//     hash, and the weights change between calls, so answers could never be reused across steps
//     and hashing gigabytes of weights at every call would cost more than it could save. A unique
//     hash also keeps one step's unfinished run from ever being resumed by another step;
//   * returns the run's outcome plus a flat map of primary metrics per evaluation label and the
//     gauntlet scores under "gauntlet/<category>" and "gauntlet/<average name>" (LLM Foundry's
//     score when every benchmark is present, else the partial score over the present ones).
// Multi-rank jobs: give the constructor the World built by the trainer from its existing process
// group (dist/world_c10d.h, world_from_process_group). Every rank then constructs
// the evaluator and calls evaluate() at the same step with its own replica; requests are spread over
// the ranks (DistributedLanguageModel), only rank 0 opens and writes the store, and the other ranks
// return a result with wrote = false and empty metrics. Generated code (code tasks) runs in rank 0's
// sandbox pool.
// Errors: mpt::Error. The constructor throws Input errors for the task, gauntlet and data files
// (as prepare_suite) and the tokenizer; evaluate() throws Input when the model's device or
// max_seq_len differs from the configured one, and whatever the runner throws (the run is then
// marked failed in the store).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/eval_runner.h"
#include "backend/mpt_language_model.h"
#include "sandbox/sandbox_config.h"

namespace mpt {

class MptModel;
class NeoxTokenizerAdapter;
namespace dist {
class World;
}  // namespace dist
namespace results {
class Store;
}  // namespace results

struct LiveEvalConfig {
  std::string tasks_path;              // LLM Foundry task file (icl_tasks); required
  std::string gauntlet_path;           // eval_gauntlet file; "" = none
  std::string data_root;               // dataset_uri paths resolve against it; "" = the bundled data/icl
  std::vector<std::string> selectors;  // evaluate only these labels / prefixes; empty = all
  int64_t limit = -1;                  // first N examples of each evaluation (icl_subset_num_batches); -1 = all
  std::string db_path;                 // results database; required (":memory:" keeps nothing)
  std::string tokenizer_path;          // "" = the bundled GPT-NeoX-20B tokenizer.json
  std::string device;                  // "" = the model's; else it must be the model's device (no copies)
  int64_t max_seq_len = 2048;          // the trained model's; checked by evaluate()
  std::string label;                   // run label in reports
  MptLanguageModelOptions lm;          // exact / batched scoring, batch token budget
  sandbox::Config sandbox;             // code tasks
};

struct LiveEvalResult {
  RunOutcome outcome;                    // wrote = false on ranks other than 0
  std::map<std::string, double> metrics; // "piqa/0-shot" -> primary metric; "gauntlet/<category>"
};

class LiveEvaluator {
 public:
  // Prepares the suite and (on rank 0) opens the store. `world` (optional) must outlive this object.
  explicit LiveEvaluator(const LiveEvalConfig& config, dist::World* world = nullptr);
  ~LiveEvaluator();
  LiveEvaluator(const LiveEvaluator&) = delete;
  LiveEvaluator& operator=(const LiveEvaluator&) = delete;

  // See the contract above.
  LiveEvalResult evaluate(MptModel& model, int64_t step);

  // The prepared suite every call evaluates (the same object for the evaluator's lifetime).
  const EvalSuite& suite() const { return runner_->suite(); }

 private:
  LiveEvalConfig config_;
  dist::World* world_;
  std::unique_ptr<NeoxTokenizerAdapter> tokenizer_;
  std::unique_ptr<EvalRunner> runner_;
  std::unique_ptr<results::Store> store_;  // rank 0 only
  std::string tokenizer_hash_;
  std::string session_;                    // unique per evaluator: part of every run's model_hash
};

}  // namespace mpt
