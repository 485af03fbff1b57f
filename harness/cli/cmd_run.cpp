// mpt-eval run: evaluate a checkpoint on a task file (ICL tasks and HumanEval); results go to the
// store (harness/checkpoint_run.h, harness/eval_runner.h; docs/run.md).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include "common/error.h"
#include "common/interrupt.h"
#include "common/jsonl.h"
#include "common/log.h"
#include "common/paths.h"
#include "common/progress.h"
#include "common/utf8_check.h"
#include "harness/checkpoint_run.h"
#include "harness/cli/model_flags.h"
#include "harness/cli/number_checks.h"
#include "harness/cli/subcommands.h"
#include "dist/world.h"
#include "harness/run_summary.h"
#include "reports/lm_eval_export.h"
#include "results/store.h"

namespace mpt::cli {
namespace {

struct RunFlags {
  ModelFlags model;
  CheckpointRunOptions options;
  std::string mode = "auto";
  int64_t resume = -1;
  int64_t step = -1;
  std::string out;
  std::string lm_eval_out;
  bool no_cache = false;
  bool fresh = false;
  std::string progress = "auto";
  // Distributed runs (docs/distributed.md): the job comes from torchrun's / srun's variables.
  std::string dist_backend = "auto";
  double rank_timeout_s = 30;
  double dist_timeout_s = 3600;
};

// Everything the options alone can tell, before a file is read or the store is touched.
void validate(const RunFlags& cli) {
  const CheckpointRunOptions& o = cli.options;
  // The label, the paths and the task labels go into the store and its JSON outputs (UTF-8).
  require_utf8(o.label, "--label");
  require_utf8(cli.model.model, "--model");
  require_utf8(o.db_path, "--db");
  for (const std::string& s : o.eval.selectors) require_utf8(s, "--task");
  if (!cli.out.empty()) {
    require_utf8(cli.out, "--out");
    check_output_file(cli.out, "--out");
  }
  if (!cli.lm_eval_out.empty()) {
    require_utf8(cli.lm_eval_out, "--lm-eval-output");
    reports::check_lm_eval_dir(cli.lm_eval_out, "--lm-eval-output");
  }
}

int run(RunFlags& cli) {
  CheckpointRunOptions& o = cli.options;
  validate(cli);
  Progress::set_mode_by_name(cli.progress, "--progress");
  o.model_dir = cli.model.model;
  o.model = cli.model.options();
  o.lm.mode = parse_scoring_mode(cli.mode);
  if (o.eval.data_root.empty()) o.eval.data_root = bundled_path("icl");
  if (o.db_path.empty()) o.db_path = results::default_db_path();
  if (cli.resume >= 0) o.resume_run_id = cli.resume;
  o.fresh = cli.fresh;
  if (cli.step >= 0) o.training_step = cli.step;
  o.use_cache = !cli.no_cache;

  dist::WorldOptions w;
  w.backend = dist::parse_backend(cli.dist_backend, "--dist-backend");
  w.cuda = o.model.device.rfind("cuda", 0) == 0;
  w.rank_timeout = std::chrono::milliseconds(static_cast<int64_t>(cli.rank_timeout_s * 1000));
  w.collective_timeout = std::chrono::milliseconds(static_cast<int64_t>(cli.dist_timeout_s * 1000));
  auto world = dist::World::join(w);
  // SIGINT/SIGTERM: commit, mark the run interrupted, exit 130/143 (a second signal: at once). A
  // distributed job is stopped by its launcher, which signals every rank.
  if (world->size() == 1) install_interrupt_handlers();
  if (world->size() > 1) o.model.device = world->device();  // each rank on its own GPU
  o.distributed.round_generation_tokens = std::max<int64_t>(1, o.distributed.round_tokens / 4);
  RunOutcome outcome = world->guarded([&] { return run_checkpoint(o, world.get()); });
  world->finish();
  if (!outcome.wrote) return kExitOk;  // the other ranks of a distributed run: rank 0 reports
  std::fputs(format_run_table(outcome).c_str(), stdout);
  if (!cli.out.empty()) write_file_atomic(cli.out, dump_json(run_outcome_json(outcome), 2) + "\n");
  if (!cli.lm_eval_out.empty()) {
    // From the store, as `report --format lm-eval` does: the same run gives the same files.
    results::Store store = results::Store::open(outcome.db_path, results::SqliteDb::OpenMode::ReadOnly);
    for (const std::string& path : reports::write_lm_eval(store, {outcome.run_id}, cli.lm_eval_out))
      MPT_LOG(Info, "wrote {}", path);
  }
  return kExitOk;
}

}  // namespace

Action attach_run(CLI::App& app) {
  auto cli = std::make_shared<RunFlags>();
  CheckpointRunOptions& o = cli->options;
  o.eval.tasks_path = source_dir() + "/configs/default_tasks.yaml";
  app.description(
      "Evaluate a checkpoint on LLM Foundry task files (ICL tasks and HumanEval). Results go to the results\n"
      "database as they are computed; an interrupted run resumes when the same command runs again (or with\n"
      "--resume RUN_ID); answers already computed for this checkpoint come from the response cache.\n"
      "Prints a table (tasks x metrics with standard errors, gauntlet scores) and writes --out as JSON.");
  add_model_flags(app, cli->model);
  app.add_option("--tasks", o.eval.tasks_path, "LLM Foundry task file (icl_tasks); default: the bundled set")
      ->check(CLI::ExistingFile)
      ->capture_default_str();
  app.add_option("--gauntlet", o.eval.gauntlet_path, "LLM Foundry eval gauntlet file (eval_gauntlet); default: none")
      ->check(CLI::ExistingFile);
  app.add_option("--data-root", o.eval.data_root,
                 "folder that dataset_uri paths resolve against (LLM Foundry's eval/local_data/...); default: the "
                 "bundled data/icl");
  app.add_option("--task", o.eval.selectors,
                 "evaluate only these (repeatable): a label (piqa), a label and shots (arc_challenge/25-shot) or a category "
                 "(jeopardy/3-shot/science)");
  app.add_option("--limit", o.eval.limit, "only the first N examples (code: problems) of each evaluation; -1 = all")
      ->check(at_least(-1));
  app.add_option("--batch-tokens", o.lm.batch_tokens, "token budget of one scoring batch (results do not depend on it)")
      ->check(positive());
  app.add_option("--mode", cli->mode,
                 "exact: every request computed alone, bit-identical whatever the batching (default on CPU); batched: "
                 "padded batches, fast on GPUs (default on CUDA); auto");
  app.add_option("--tokenizer", o.tokenizer_path,
                 "tokenizer.json; default: the checkpoint's own, else the bundled GPT-NeoX-20B tokenizer")
      ->check(CLI::ExistingFile);
  app.add_option("--db", o.db_path, "results database (default: $MPTEVAL_DB, else ./mpt-eval.db)");
  app.add_option("--resume", cli->resume, "take over this unfinished run (its configuration must match); -1: the newest unfinished run of the same configuration, if any")
      ->check(at_least(0));
  app.add_flag("--fresh", cli->fresh,
               "start a new run even when an unfinished run of the same configuration exists (which is otherwise "
               "resumed)")
      ->excludes("--resume");
  app.add_flag("--no-cache", cli->no_cache, "neither read nor write the response cache");
  app.add_option("--progress", cli->progress,
                 "progress on stderr: auto (a bar on a terminal, else a plain line every 10 s), bar, plain, or json "
                 "(one JSON object per line, at most every second: progress, done, total, unit, rate, eta_s, "
                 "elapsed_s, finished)")
      ->capture_default_str();
  app.add_option("--label", o.label, "label of the run in reports (free text; not part of its identity)");
  app.add_option("--step", cli->step, "training step of the checkpoint, for trend reports (-1: none)")->check(at_least(0));
  app.add_option("--commit-rows", o.runner.record_batch,
                 "result rows per committed transaction (they are also committed at least every 5 s)")
      ->check(positive());
  app.add_option("--out", cli->out, "also write the results as JSON to this file (atomically)");
  app.add_option("--lm-eval-output", cli->lm_eval_out,
                 "also write lm-evaluation-harness's files into this directory: <model>/results_<date>.json and "
                 "samples_<task>_<date>.jsonl (the same as `report --format lm-eval`; docs/results.md)");
  app.add_flag("--unsafe-no-sandbox", o.runner.sandbox.unsafe_no_sandbox,
               "run generated code WITHOUT isolation when the machine offers none (trusted models only)");
  app.add_option("--workers", o.runner.sandbox.workers, "code tasks: programs run concurrently; 0 = two per core (each program's two processes take turns)")
      ->check(at_least(0));
  app.add_option("--code-timeout", o.runner.sandbox.limits.timeout_seconds, "code tasks: wall-clock seconds per program")
      ->check(positive());
  app.add_option("--dist-backend", cli->dist_backend,
                 "distributed runs (torchrun, srun, mpt-eval launch): auto (NCCL on CUDA, else Gloo), gloo or nccl");
  app.add_option("--rank-timeout", cli->rank_timeout_s,
                 "distributed runs: seconds without a heartbeat after which a rank counts as dead")
      ->check(positive());
  app.add_option("--dist-round-tokens", o.distributed.round_tokens,
                 "distributed runs: log-likelihood tokens each rank computes between exchanges (generation: a quarter); "
                 "smaller rounds store results sooner")
      ->check(positive());
  app.add_option("--dist-timeout", cli->dist_timeout_s,
                 "distributed runs: seconds an exchange waits for a live but slow rank")
      ->check(positive());
  return [cli] { return run(*cli); };
}

}  // namespace mpt::cli
