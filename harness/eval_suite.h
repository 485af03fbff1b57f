// What one evaluation run covers, prepared once: every selected evaluation of a task file with its
// prompts tokenized and requests built, the code tasks with their generation requests, the tasks
// whose data is missing, the gauntlet, and the configuration text that identifies the run.
// Preparing is separate from running: the same EvalSuite can be run any number of times (the live
// evaluation hook runs it at every N training steps; a distributed run prepares it on every rank).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "harness/code_task.h"
#include "results/records.h"
#include "sandbox/sandbox_config.h"
#include "tasks/gauntlet.h"
#include "tasks/prepared_eval.h"
#include "tasks/task_suite.h"
#include "tasks/tokenizer_interface.h"

namespace mpt {

struct EvalConfig {
  std::string tasks_path;               // LLM Foundry task file (icl_tasks)
  std::string gauntlet_path;            // eval_gauntlet file; "" = no gauntlet
  std::string data_root;                // dataset_uri paths resolve against it
  std::vector<std::string> selectors;   // --task: labels or label prefixes; empty = every task
  int64_t limit = -1;                   // the first N examples (code: problems) of each evaluation; -1 = all
  int64_t max_seq_len = 2048;           // the model's; used by tasks that set none
};

// One evaluation of the suite: an ICL evaluation or a code task.
struct SuiteTask {
  std::variant<PreparedEval, CodeTask> work;
  results::TaskSpec store_spec;  // what the store registers (label, type, primary metric, data hash, settings, size)
  std::string benchmark_key;     // "<label>/<k>-shot", the gauntlet's key
  int64_t selected = 0;          // examples (problems) evaluated: the first `selected` indices

  const std::string& label() const { return store_spec.label; }
  const PreparedEval* icl() const { return std::get_if<PreparedEval>(&work); }
  const CodeTask* code() const { return std::get_if<CodeTask>(&work); }
};

struct EvalSuite {
  std::vector<SuiteTask> tasks;           // the task file's order
  std::vector<MissingTask> missing;       // entries whose data file is absent (reported, gauntlet partial)
  std::optional<GauntletConfig> gauntlet;
  std::string task_config;                // RunSpec::task_config: the task file's text plus the selection
  std::string gauntlet_config;            // RunSpec::gauntlet_config: the gauntlet file's text ("" = none)
  std::string data_hash;                  // RunSpec::data_hash: sha256 over each task's label and data file hash

  bool has_code_tasks() const;
  // The languages other than Python that the code tasks' problems use ("c++", "javascript"), in
  // first-use order.
  std::vector<std::string> code_languages() const;
  // `base` with code_languages() added to its languages, so that the pool checks and prepares each
  // once, as score-samples does (C++: the precompiled header, without which every program compiles
  // the standard headers from scratch).
  sandbox::Config code_sandbox_config(sandbox::Config base) const;
  int64_t loglikelihood_requests() const;  // over all selected examples
  int64_t generate_requests() const;
};

// Loads and prepares everything. Throws mpt::Error (Input) for a malformed task or gauntlet file
// or data file (naming file:line and key), a --task selector that matches nothing (listing the
// labels), selected tasks whose data files are ALL missing (naming the files), and anything
// prepare_eval / prepare_code_task reject. Missing data files of some tasks are not an error: they
// are listed in `missing` (and logged), as LLM Foundry's full task files reference data that is
// not always at hand.
EvalSuite prepare_suite(const EvalConfig& config, const TokenizerInterface& tokenizer);

}  // namespace mpt
