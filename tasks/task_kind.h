// A task kind: everything that differs between LLM Foundry's icl_task_types, in one object per
// type (tasks/kinds/<type>.cpp), so that generic code (entry parsing, data loading, prompts,
// requests, scoring, listings, run records) asks the kind instead of switching on the type.
//
// Contract:
//   * a kind is stateless and lives for the whole program (the registry hands out references);
//   * every method gets the evaluation it works on as arguments; a kind never keeps one;
//   * the data of a kind's evaluations is the one row layout of Dataset::rows it chose in
//     start_rows; its other methods may rely on that layout;
//   * requests of one example are contiguous: [first_request, first_request + num_requests) of
//     the list request_form() names;
//   * errors are mpt::Error, with the same messages and kinds the generic code documents
//     (task_config.h, dataset.h, prepared_eval.h).
// The registry (tasks/kinds/registry.cpp) maps LLM Foundry's icl_task_type strings to kinds;
// adding a type is its kind file, its accessor and table line in the registry, and its source line
// in tasks/CMakeLists.txt.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "tasks/task_config.h"

namespace mpt {

class YamlMap;
struct Dataset;
struct EvalSpec;
struct PromptPieces;
struct PreparedEval;
struct PreparedExample;
struct EvalResponses;
struct ExampleResult;
class PromptRules;
class TokenizerInterface;

// Which of PreparedEval's request lists a kind's examples use.
enum class RequestForm { Loglikelihood, Generate };

class TaskKind {
 public:
  virtual ~TaskKind() = default;

  // --- What it is
  virtual TaskType tag() const = 0;
  virtual const char* name() const = 0;         // icl_task_type as LLM Foundry writes it
  virtual const char* metric_name() const = 0;  // the LLM Foundry metric class it implements
  virtual RequestForm request_form() const = 0;
  // True when its evaluations are HumanEval-style problems run by tasks/code and the sandbox
  // (then none of the data, prompt, request and scoring methods below are called).
  virtual bool runs_code() const { return false; }

  // --- The task file entry
  // Keys of an icl_tasks entry that only this kind accepts (the common keys are task_entry.cpp's).
  virtual std::vector<std::string> own_keys() const { return {}; }
  // Reads this kind's settings into `task`, the common keys already read; generation_kwargs
  // included (the default reads it with GenerationSettings' defaults).
  virtual void parse_entry(const YamlMap& entry, TaskConfig& task) const;

  // --- Data rows (see dataset.h)
  // Sets `d.rows` to this kind's (empty) row layout.
  virtual void start_rows(Dataset& d) const = 0;
  // Appends one JSON object of the data file; `where` is "<file>:<line>".
  virtual void add_row(const nlohmann::json& row, const std::string& where, bool strip, Dataset& d) const = 0;
  // The row as the run's example records show it ("doc"), without its category.
  virtual nlohmann::json row_json(const Dataset& d, size_t row) const = 0;

  // --- Prompts (see prompt_builder.h)
  // The text one few-shot example adds after `preceding` (construct_context with the answer).
  virtual std::string shot_text(const PromptRules& rules, const Dataset& d, int64_t row,
                                const std::string& preceding) const = 0;
  // The pieces of the example at `row`, after `preamble` (prompt_string + shots).
  virtual PromptPieces test_pieces(const PromptRules& rules, const Dataset& d, int64_t row,
                                   std::string preamble) const = 0;
  // The prompt document's "sequence" and "pieces" (see prompt_document.h).
  virtual nlohmann::ordered_json prompt_sequence() const = 0;
  virtual nlohmann::ordered_json pieces_json(const PromptPieces& pieces) const = 0;
  // Its own keys of the prompt document's "settings": after strip_dataset, and after sequence.
  virtual void prompt_delimiter_settings(nlohmann::ordered_json& settings, const TaskConfig& task) const;
  virtual void prompt_data_settings(nlohmann::ordered_json& settings, const EvalSpec& spec) const;

  // --- Requests and scoring (see prepared_eval.h)
  // Evaluation-wide preparation before any example (e.g. the generation budget).
  virtual void prepare(PreparedEval& eval, const TokenizerInterface& tokenizer) const;
  // Appends `example`'s requests to `eval` and sets its first_request and num_requests.
  // `preamble` holds the preamble's ids; `where` names the example for errors.
  virtual void make_requests(PreparedEval& eval, PreparedExample& example, const Tokens& preamble,
                             const TokenizerInterface& tokenizer, const std::string& where) const = 0;
  // Metrics and details of one example (index and row are the caller's).
  virtual ExampleResult score(const PreparedEval& eval, const PreparedExample& example,
                              const EvalResponses& responses) const = 0;

  // --- Listings and records
  // Its own keys of a run's stored task settings.
  virtual void add_run_settings(nlohmann::json& settings, const PreparedEval& eval) const;
  // `mpt-eval prompts`: text after the header's max_seq_len, the name of continuation i, and
  // lines after an example's pieces (before its requests).
  virtual std::string listing_summary(const PreparedEval& eval) const;
  virtual std::string continuation_name(size_t i) const;
  virtual std::string listing_details(const PreparedExample& example) const;
};

// The kind of an icl_task_type string (aliases included), or nullptr when none has that name.
const TaskKind* find_task_kind(const std::string& icl_task_type);
// The kind whose own_keys() hold `key`, or nullptr.
const TaskKind* task_kind_owning_key(const std::string& key);
// "language_modeling, multiple_choice, ... or code_evaluation": every kind's name, for messages.
std::string task_kind_names();

}  // namespace mpt
