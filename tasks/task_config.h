// One `icl_tasks` entry of an LLM Foundry task file, with LLM Foundry's defaults
// (InContextLearningDataset's constructor arguments and llmfoundry/utils/builders.py at commit
// 8c8dd48f72168c5d51e2f7b151595892a8fba43d).
//
// Keys and defaults (every key LLM Foundry's builder and dataset constructors accept locally):
//   label (required), dataset_uri (required), icl_task_type (required), num_fewshot (required, a
//   list; one evaluation per value), prompt_string "", example_delimiter "\n",
//   continuation_delimiter " ", prelimiter "" (question_prelimiter is its old name; both -> error),
//   fewshot_random_seed 1234, strip_dataset true, max_seq_len (the run's), batch_size (recorded;
//   the runner batches by tokens), has_categories false, metric_names (the type's accuracy),
//   generation_kwargs {}.
//   generation_task_with_answers only: cot_delimiter "", early_stopping_criteria [],
//   do_normalization true. code_evaluation only: generations_per_sample 1, pass_at_k [1], and the
//   mpt-eval extensions code_postprocess ("llm_foundry" | "human_eval" | "codex" | "bigcode" |
//   "none"; human_eval = codex, OpenAI's stop lines) and strip_prompt (false).
// Keys LLM Foundry's constructors would reject (TypeError) are errors here too, naming the key.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tasks/code/completion_postprocess.h"
#include "tasks/requests.h"

namespace mpt {

// A tag naming LLM Foundry's task types, for comparing and logging configurations. What a type
// does lives in its TaskKind (task_kind.h); kinds beyond LLM Foundry's five are tagged Other.
enum class TaskType { LanguageModeling, MultipleChoice, Schema, GenerationWithAnswers, CodeEvaluation, Other };

class TaskKind;

// generation_kwargs, the Hugging Face generate() arguments LLM Foundry passes through.
struct GenerationSettings {
  bool do_sample = false;        // false: greedy
  double temperature = 1.0;      // HF default
  double top_p = 1.0;            // HF default
  int32_t top_k = 50;            // HF GenerationConfig default, applied only when sampling
  std::optional<int32_t> max_new_tokens;  // overrides the task's computed budget
  std::optional<uint64_t> seed;  // mpt-eval extension: the sampling seed (HF takes it from torch's RNG)

  // The request's sampling parameters (temperature 0 = greedy when !do_sample); the seed is the
  // configured seed (0 when unset) plus `request_seed`, so that every request samples
  // reproducibly and differently.
  SamplingParams sampling(uint64_t request_seed = 0) const;
  // The settings as a run records them ({do_sample, temperature, top_p, top_k[, max_new_tokens][, seed]}).
  nlohmann::json settings_json() const;
};

struct CodeEvalSettings {
  int64_t generations_per_sample = 1;
  std::vector<int64_t> pass_at_k{1};  // every k <= generations_per_sample
  // How generated code is cut before it is appended to the prompt and tested
  // (tasks/code/completion_postprocess.h); generation stops where the cut would be.
  code::Postprocess postprocess = code::Postprocess::LlmFoundry;
  bool strip_prompt = false;  // generate from prompt.strip() (bigcode's "humaneval"), not the prompt as is
};

struct TaskConfig {
  std::string label;
  TaskType type = TaskType::LanguageModeling;
  const TaskKind* kind = nullptr;  // what the type does; set with `type` when the entry is parsed
  std::string dataset_uri;    // as written in the file
  std::string dataset_path;   // resolved local path (see resolve_dataset_uri)
  std::vector<std::string> dataset_paths_tried;  // the candidates resolve_dataset_uri looked at
  std::string dataset_file;   // the path relative to the data root (or dataset_path when outside it)
  std::vector<int64_t> num_fewshot;

  std::string prompt_string;
  std::string example_delimiter = "\n";
  std::string continuation_delimiter = " ";
  std::string prelimiter;
  int64_t fewshot_random_seed = 1234;
  bool strip_dataset = true;
  std::optional<int64_t> max_seq_len;
  std::optional<int64_t> batch_size;
  bool has_categories = false;
  std::vector<std::string> metric_names;

  // generation_task_with_answers
  std::string cot_delimiter;
  std::vector<std::string> early_stopping_criteria;
  bool do_normalization = true;

  GenerationSettings generation;     // generation_task_with_answers and code_evaluation
  CodeEvalSettings code;             // code_evaluation only

  std::string source_file;  // the YAML file
  std::string where;        // "<file>:<line>, icl_tasks[i] '<label>'" for messages
};

// Maps a dataset_uri to a local file (see docs/tasks.md, "Data paths"):
//   * "eval/local_data/<rest>" (LLM Foundry's yamls, relative to its scripts/ folder) and
//     "scripts/eval/local_data/<rest>": <data_root>/<rest> (the text after the last
//     "eval/local_data/");
//   * other relative paths: <data_root>/<uri>;  absolute paths: unchanged;
//   * remote URIs (s3://, hf://, oci://, ...): mpt::Error (Input) naming `where`.
// The data root may be LLM Foundry's scripts/eval/local_data itself, its scripts/ folder (where its
// yamls' paths are relative to) or the repository root: for a relative path the three are tried in
// that order, <root>/<rest>, <root>/eval/local_data/<rest>, <root>/scripts/eval/local_data/<rest>,
// and the first existing file wins (the first candidate when none exists; `tried` lists them all
// for the "dataset missing" message).
struct ResolvedDataPath {
  std::string path;                // where to read
  std::string relative;            // relative to data_root (the uri itself when absolute)
  std::vector<std::string> tried;  // every candidate looked at, in order
};
// "no file at <path>" or "no file at any of <a>, <b>, <c>" for a missing dataset.
ResolvedDataPath resolve_dataset_uri(const std::string& uri, const std::string& data_root, const std::string& where);
std::string describe_missing_dataset(const std::vector<std::string>& tried);

}  // namespace mpt
