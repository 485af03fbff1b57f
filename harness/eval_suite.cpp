#include "harness/eval_suite.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "common/error.h"
#include "common/jsonl.h"
#include "common/log.h"
#include "common/sha256.h"
#include "tasks/code/completion_postprocess.h"
#include "tasks/task_kind.h"

namespace mpt {
namespace {

using nlohmann::json;

// Data files are hashed once each (an entry's evaluations share its file).
class DataHashes {
 public:
  const std::string& of(const std::string& path) {
    auto it = hashes_.find(path);
    if (it == hashes_.end()) it = hashes_.emplace(path, sha256_file_hex(path)).first;
    return it->second;
  }

 private:
  std::map<std::string, std::string> hashes_;
};

json common_settings(const TaskConfig& t, int64_t num_fewshot, int64_t limit) {
  return {{"icl_task_type", t.kind->name()},
          {"num_fewshot", num_fewshot},
          {"dataset_uri", t.dataset_uri},
          {"prompt_string", t.prompt_string},
          {"example_delimiter", t.example_delimiter},
          {"continuation_delimiter", t.continuation_delimiter},
          {"prelimiter", t.prelimiter},
          {"fewshot_random_seed", t.fewshot_random_seed},
          {"metric_names", t.metric_names},
          {"limit", limit}};
}

SuiteTask icl_task(PreparedEval eval, const std::string& data_hash, int64_t limit) {
  const TaskConfig& t = *eval.spec.task;
  SuiteTask s;
  s.benchmark_key = eval.spec.benchmark_key();
  s.selected = static_cast<int64_t>(eval.examples.size());
  json settings = common_settings(t, eval.spec.num_fewshot, limit);
  settings["max_seq_len"] = eval.max_seq_len;
  if (eval.spec.category) settings["category"] = *eval.spec.category;
  t.kind->add_run_settings(settings, eval);
  s.store_spec = results::TaskSpec{eval.spec.label, t.kind->name(), "accuracy", data_hash, std::move(settings),
                                   eval.spec.size()};
  s.work = std::move(eval);
  return s;
}

SuiteTask code_suite_task(CodeTask code, const std::string& data_hash, int64_t limit) {
  const TaskConfig& t = *code.spec.task;
  SuiteTask s;
  s.benchmark_key = code.spec.label;
  s.selected = static_cast<int64_t>(code.problems.size());
  json settings = common_settings(t, code.spec.num_fewshot, limit);
  settings["generations_per_sample"] = code.samples;
  settings["pass_at_k"] = code.ks;
  settings["code_postprocess"] = code::postprocess_name(t.code.postprocess);
  settings["strip_prompt"] = t.code.strip_prompt;
  settings["max_new_tokens"] = code.max_new_tokens;
  settings["generation_kwargs"] = t.generation.settings_json();
  s.store_spec = results::TaskSpec{code.spec.label, t.kind->name(), code.primary_metric(), data_hash,
                                   std::move(settings), code.dataset_size};
  s.work = std::move(code);
  return s;
}

// The run's task configuration: the file as written plus what was selected from it, so that two
// runs of one file with different --task or --limit never resume each other.
std::string task_config_text(const EvalConfig& config, const std::vector<SuiteTask>& tasks) {
  std::string text = read_file(config.tasks_path);
  if (!text.empty() && text.back() != '\n') text += '\n';
  text += "# mpt-eval run selection\n# limit: " + std::to_string(config.limit) + "\n# evaluations:";
  for (const SuiteTask& t : tasks) text += " " + t.label();
  return text + "\n";
}

}  // namespace

bool EvalSuite::has_code_tasks() const {
  for (const SuiteTask& t : tasks)
    if (t.code()) return true;
  return false;
}

std::vector<std::string> EvalSuite::code_languages() const {
  std::vector<std::string> languages;
  for (const SuiteTask& t : tasks)
    if (const CodeTask* c = t.code())
      for (const code::CodeProblem& p : c->problems)
        if (p.language != "python" && std::find(languages.begin(), languages.end(), p.language) == languages.end())
          languages.push_back(p.language);
  return languages;
}

sandbox::Config EvalSuite::code_sandbox_config(sandbox::Config base) const {
  for (const std::string& language : code_languages())
    if (std::find(base.languages.begin(), base.languages.end(), language) == base.languages.end())
      base.languages.push_back(language);
  return base;
}

int64_t EvalSuite::loglikelihood_requests() const {
  int64_t n = 0;
  for (const SuiteTask& t : tasks)
    if (const PreparedEval* e = t.icl()) n += static_cast<int64_t>(e->loglikelihood_requests.size());
  return n;
}

int64_t EvalSuite::generate_requests() const {
  int64_t n = 0;
  for (const SuiteTask& t : tasks) {
    if (const PreparedEval* e = t.icl()) n += static_cast<int64_t>(e->generate_requests.size());
    if (const CodeTask* c = t.code()) n += static_cast<int64_t>(c->requests.size());
  }
  return n;
}

EvalSuite prepare_suite(const EvalConfig& config, const TokenizerInterface& tokenizer) {
  TaskSuite loaded = load_task_suite(config.tasks_path, config.data_root, {config.selectors});
  EvalSuite suite;
  suite.missing = std::move(loaded.missing);
  if (!config.gauntlet_path.empty()) {
    suite.gauntlet = load_gauntlet_config(config.gauntlet_path);
    suite.gauntlet_config = read_file(config.gauntlet_path);
  }
  DataHashes hashes;
  const PrepareOptions options{.limit = config.limit, .default_max_seq_len = config.max_seq_len};
  for (const EvalSpec& spec : loaded.evaluations) {
    const std::string& hash = hashes.of(spec.task->dataset_path);
    suite.tasks.push_back(icl_task(prepare_eval(spec, tokenizer, options), hash, config.limit));
  }
  for (const CodeTaskSpec& spec : loaded.code_tasks) {
    if (!std::filesystem::exists(spec.task->dataset_path)) {
      MPT_LOG(Warn, "task '{}' skipped: dataset missing ({}, from dataset_uri {})", spec.task->label,
              spec.task->dataset_path, spec.task->dataset_uri);
      suite.missing.push_back(MissingTask{spec.task, {spec.label}, describe_missing_dataset(spec.task->dataset_paths_tried)});
      continue;
    }
    const std::string& hash = hashes.of(spec.task->dataset_path);
    suite.tasks.push_back(
        code_suite_task(prepare_code_task(spec, tokenizer, config.limit, config.max_seq_len), hash, config.limit));
  }
  if (suite.tasks.empty()) {
    std::string files;
    for (const MissingTask& m : suite.missing) files += (files.empty() ? "" : "; ") + m.task->label + ": " + m.reason;
    throw input_error("no data for any selected task", config.tasks_path, "the data files under --data-root " + config.data_root,
                      files.empty() ? "no task selected" : files);
  }
  suite.task_config = task_config_text(config, suite.tasks);
  // Every data file's content hash, in the suite's order: a changed file makes another run.
  Sha256 data;
  for (const SuiteTask& t : suite.tasks) data.update(t.label() + "\t" + t.store_spec.data_hash + "\n");
  suite.data_hash = data.hex_digest();
  return suite;
}

}  // namespace mpt
