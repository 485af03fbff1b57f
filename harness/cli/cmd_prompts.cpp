// mpt-eval prompts: the exact prompt pieces of one evaluation (docs/tasks.md).
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "common/error.h"
#include "common/paths.h"
#include "harness/cli/number_checks.h"
#include "harness/cli/subcommands.h"
#include "backend/neox_tokenizer_adapter.h"
#include "tasks/prompt_document.h"
#include "tasks/prompt_listing.h"
#include "tasks/task_suite.h"

namespace mpt::cli {
namespace {

struct PromptsFlags {
  std::string tasks;
  std::string task;
  std::string data_root;  // empty: the bundled data/icl
  int64_t limit = -1;
  std::vector<int64_t> indices;
  bool fixture_selection = false;
  bool json = false;
  bool tokens = false;
  int64_t max_seq_len = 2048;
  std::string tokenizer;  // empty: the bundled GPT-NeoX-20B tokenizer
};

int run_prompts(const PromptsFlags& o) {
  const std::string data_root = o.data_root.empty() ? bundled_path("icl") : o.data_root;
  TaskSuite suite = load_task_suite(o.tasks, data_root, {{o.task}});
  const EvalSpec& spec = select_one_evaluation(suite, o.task);
  NeoxTokenizerAdapter tok(o.tokenizer.empty() ? Tokenizer::bundled() : Tokenizer::from_file(o.tokenizer));
  const bool prefix_space = tokenizer_needs_prefix_space(tok);

  PromptSelection sel = o.fixture_selection ? fixture_selection(spec)
                        : !o.indices.empty() ? chosen_examples(spec, o.indices)
                                             : first_examples(spec, o.limit);
  int64_t count = 0;
  for (int64_t i : sel.indices) count = std::max(count, i + 1);

  if (o.json) {
    std::vector<ExamplePrompt> prompts = build_prompts(spec, prefix_space, count);
    std::string yaml_name = std::filesystem::path(o.tasks).filename().string();
    std::cout << dump_prompt_document(prompt_document(spec, prompts, sel, yaml_name, prefix_space));
  } else {
    PreparedEval prepared = prepare_eval(spec, tok, {.limit = count, .default_max_seq_len = o.max_seq_len});
    std::cout << format_prompt_listing(prepared, sel.indices, tok, o.tokens);
  }
  return kExitOk;
}

}  // namespace

Action attach_prompts(CLI::App& app) {
  auto o = std::make_shared<PromptsFlags>();
  app.add_option("--tasks", o->tasks, "LLM Foundry task file (icl_tasks), e.g. data/icl/yamls/tasks_v0.3.yaml")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--task", o->task,
                 "evaluation to show: a label such as arc_challenge/25-shot or jeopardy/3-shot/science, or a prefix "
                 "naming one evaluation (svamp, jeopardy/science)")
      ->required();
  app.add_option("--data-root", o->data_root,
                 "folder that dataset_uri paths resolve against (LLM Foundry's eval/local_data/...); default: the "
                 "bundled data/icl");
  auto* limit = app.add_option("--limit", o->limit, "only the first N examples (-1: all)")->check(at_least(-1));
  auto* index = app.add_option("--index", o->indices, "only these example indices (repeatable)")->excludes(limit);
  app.add_flag("--fixture-selection", o->fixture_selection,
               "the golden files' selection: examples 0..39, N//2, N-1, and rare whitespace-edge rows")
      ->excludes(limit)
      ->excludes(index);
  app.add_flag("--json", o->json, "print the fixture JSON document (pieces and few-shot indices) instead of a listing");
  app.add_flag("--tokens", o->tokens, "also print each request's token ids (listing only)");
  app.add_option("--max-seq-len", o->max_seq_len,
                 "context length for truncation when the task sets no max_seq_len (mpt-eval run uses the model's)")
      ->check(positive());
  app.add_option("--tokenizer", o->tokenizer, "tokenizer.json to use; default: the bundled GPT-NeoX-20B tokenizer")
      ->check(CLI::ExistingFile);
  return [o] { return run_prompts(*o); };
}

}  // namespace mpt::cli
