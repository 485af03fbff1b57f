// The values that go into and come out of the results store (see store.h for the calls and
// docs/results.md for the tables). Plain structs, no behaviour beyond small helpers.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mpt::results {

// Interrupted: stopped by SIGINT/SIGTERM after committing its rows; resumable like Failed.
enum class RunStatus { Running, Completed, Failed, Interrupted };
const char* to_string(RunStatus s);
RunStatus run_status_from_string(const std::string& s);  // throws mpt::Error (Runtime) on an unknown word

// What the runner knows about a run before it starts. The store adds the config hashes, the
// harness version and git revision (common/build_info.h), times, status and the owning process.
struct RunSpec {
  std::string label;                    // free text for reports ("mpt-7b-main"); not part of the identity
  std::string model_path;               // checkpoint directory as given
  std::string model_hash;               // hash_checkpoint(...).hash: weights + config.json
  std::string tokenizer_hash;           // hash_tokenizer(...)
  std::string task_config;              // the task configuration text (YAML) as evaluated
  std::string gauntlet_config;          // the gauntlet configuration text, "" when none
  std::string data_hash;                // combined content hash of the data files evaluated (suite_data_hash)
  std::string device;                   // full description, e.g. "cuda:0 (NVIDIA H100 80GB HBM3)", "cpu"
  std::string device_class;             // "cpu" or "cuda": part of the identity (numerics differ)
  std::string dtype;                    // "float32", "bfloat16", "float16"
  int64_t world_size = 1;               // ranks; not part of the identity
  std::optional<int64_t> training_step; // step of the checkpoint in a training run, when known
};

// The identity that resume matches on: model hash, tokenizer hash, task and gauntlet config
// hashes, data files hash, dtype and device class (NOT batch size, world size, label or device index). Hex sha256.
std::string run_identity_hash(const RunSpec& spec);

// A stored run.
struct RunInfo {
  int64_t id = 0;
  std::string identity_hash;
  RunSpec spec;
  std::string task_config_hash;
  std::string gauntlet_config_hash;
  std::string harness_version;
  std::string git_revision;
  std::string started_at;               // ISO-8601 UTC, e.g. "2026-11-26T16:20:00.123Z"
  std::optional<std::string> ended_at;  // set when completed or failed
  RunStatus status = RunStatus::Running;
  std::string failure;                  // last failure message ("" when none)
};

// One evaluated task of a run (an eval label such as "piqa/0-shot").
struct TaskSpec {
  std::string label;           // unique within a run: "<task>/<n>-shot"
  std::string type;            // "multiple_choice", "language_modeling", "question_answering", "code_evaluation", ...
  std::string primary_metric;  // the metric reports show and checks compare, e.g. "InContextLearningMultipleChoiceAccuracy"
  std::string data_hash;       // sha256 of the data file
  nlohmann::json settings = nlohmann::json::object();  // num_fewshot, prompt strings, ... (as the task used them)
  int64_t num_examples = 0;    // examples the task has in total (resume and reports use it)
};

struct TaskInfo {
  int64_t id = 0;
  int64_t run_id = 0;
  TaskSpec spec;
  int64_t stored_examples = 0;  // examples rows present
};

// One evaluated example. `score` is the example's contribution to the task's primary metric (1/0
// for accuracy, the fraction of passing samples for pass@1); compare and check pair these.
struct ExampleRecord {
  int64_t example_index = 0;  // position in the task's data file (0-based)
  std::string prompt_hash;    // sha256 of the prompt/request content: model-independent, so equal across runs
  double score = 0.0;
  nlohmann::json response = nlohmann::json::object();  // what the model answered (logprobs, text, ...)
  nlohmann::json metrics = nlohmann::json::object();   // every per-example metric
};

// One generated program of a code task and its sandbox verdict.
struct CodeSampleRecord {
  int64_t example_index = 0;  // the problem's index in the task
  int64_t sample_index = 0;   // 0..n-1 for pass@k with n samples
  std::string problem_id;     // e.g. "HumanEval/0"
  std::string completion;
  std::string verdict;        // "passed", "failed", "timeout", "crashed", ...
  double duration_ms = 0.0;
  std::string isolation;      // the sandbox's isolation level, e.g. "bwrap+seccomp"
  std::string detail;         // error excerpt, signal, ... ("" when none)
};

// An aggregated metric of a task.
struct MetricRecord {
  std::string name;
  double value = 0.0;
  std::optional<double> std_error;  // standard error of `value`, when the task computes one
  int64_t count = 0;              // examples aggregated
};

// A gauntlet category score, or the gauntlet average (category "average", by convention of the tasks room).
struct GauntletRecord {
  std::string category;
  double score = 0.0;
  bool partial = false;  // some of the category's tasks were missing
};

}  // namespace mpt::results
