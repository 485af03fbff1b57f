// mpt-eval watch: evaluate each checkpoint a trainer writes into a directory, exactly once, as
// soon as it is complete and stable (harness/checkpoint_watcher.h; docs/live.md).
#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/error.h"
#include "common/paths.h"
#include "harness/checkpoint_watcher.h"
#include "harness/cli/model_flags.h"
#include "harness/cli/number_checks.h"
#include "harness/cli/subcommands.h"
#include "results/store.h"

namespace mpt::cli {
namespace {

struct WatchFlags {
  ModelFlags model;
  WatchOptions options;
  std::string mode = "auto";
  bool no_cache = false;
};

std::atomic<bool> g_stop{false};

// First SIGINT/SIGTERM: finish the checkpoint being evaluated, then stop. Second: die at once (the
// unfinished run resumes when the watcher restarts).
void on_signal(int sig) {
  if (g_stop.exchange(true)) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  const char msg[] = "watch: stopping after the current checkpoint (signal again to stop at once)\n";
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, msg, sizeof msg - 1);
}

int watch(WatchFlags& cli) {
  WatchOptions& o = cli.options;
  o.run.model = cli.model.options();
  o.run.lm.mode = parse_scoring_mode(cli.mode);
  o.run.use_cache = !cli.no_cache;
  if (o.run.eval.data_root.empty()) o.run.eval.data_root = bundled_path("icl");
  if (o.run.db_path.empty()) o.run.db_path = results::default_db_path();
  CheckpointWatcher watcher(o, &g_stop);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  WatchSummary s = watcher.run();
  std::fputs(fmt::format("evaluated steps: [{}]; already evaluated: {}; failed: {}; waiting: {}\n",
                         fmt::join(s.evaluated_steps, ", "), s.already_done, s.failed, s.waiting)
                 .c_str(),
             stdout);
  return s.failed > 0 ? kExitRuntime : kExitOk;
}

}  // namespace

Action attach_watch(CLI::App& app) {
  auto cli = std::make_shared<WatchFlags>();
  WatchOptions& o = cli->options;
  app.description(
      "Watch a directory a trainer writes checkpoints into (one HF-format subdirectory each) and evaluate\n"
      "every new checkpoint exactly once, oldest step first, once it is complete (config.json and whole\n"
      "weight files) and unchanged for --settle seconds. The step comes from the name (step-1000, step_1000,\n"
      "ep0-ba1000, checkpoint-1000, ba1000) or a file 'step' / trainer_state.json inside. Bookkeeping is the\n"
      "results database: a restarted watcher skips finished checkpoints and resumes an interrupted one.\n"
      "SIGINT/SIGTERM stop it after the current checkpoint (a second signal at once).");
  app.add_option("--checkpoints", o.checkpoints_dir, "directory the trainer writes checkpoint directories into")
      ->required()
      ->check(CLI::ExistingDirectory);
  app.add_option("--tasks", o.run.eval.tasks_path, "LLM Foundry task file (icl_tasks)")->required()->check(CLI::ExistingFile);
  app.add_option("--gauntlet", o.run.eval.gauntlet_path, "LLM Foundry eval gauntlet file (eval_gauntlet); default: none")
      ->check(CLI::ExistingFile);
  app.add_option("--data-root", o.run.eval.data_root,
                 "folder that dataset_uri paths resolve against; default: the bundled data/icl");
  app.add_option("--task", o.run.eval.selectors, "evaluate only these labels or label prefixes (repeatable)");
  app.add_option("--limit", o.run.eval.limit, "only the first N examples (code: problems) of each evaluation; -1 = all")
      ->check(at_least(-1));
  app.add_option("--poll", o.poll_seconds, "seconds between scans of the directory")->check(positive())->capture_default_str();
  app.add_option("--settle", o.settle_seconds, "seconds a complete checkpoint must stay unchanged before it is evaluated")
      ->check(at_least(0))
      ->capture_default_str();
  app.add_flag("--once", o.once, "scan, wait --settle seconds, evaluate what is complete and stable, exit (tests, cron)");
  app.add_option("--db", o.run.db_path, "results database (default: $MPTEVAL_DB, else ./mpt-eval.db)");
  app.add_option("--label", o.run.label, "label of the runs in reports (free text)");
  add_model_flags(app, cli->model, /*with_model=*/false);
  app.add_option("--mode", cli->mode, "scoring: exact (default on CPU), batched (default on CUDA) or auto");
  app.add_option("--batch-tokens", o.run.lm.batch_tokens, "token budget of one scoring batch")->check(positive());
  app.add_option("--tokenizer", o.run.tokenizer_path,
                 "tokenizer.json; default: each checkpoint's own, else the bundled GPT-NeoX-20B tokenizer")
      ->check(CLI::ExistingFile);
  app.add_flag("--no-cache", cli->no_cache, "neither read nor write the response cache");
  app.add_flag("--unsafe-no-sandbox", o.run.runner.sandbox.unsafe_no_sandbox,
               "run generated code WITHOUT isolation when the machine offers none (trusted models only)");
  app.add_option("--workers", o.run.runner.sandbox.workers, "code tasks: programs run concurrently; 0 = one per core")
      ->check(at_least(0));
  return [cli] { return watch(*cli); };
}

}  // namespace mpt::cli
