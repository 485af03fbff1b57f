#include "harness/checkpoint_watcher.h"

#include <algorithm>
#include <filesystem>
#include <thread>
#include <tuple>

#include "common/error.h"
#include "common/log.h"
#include "common/paths.h"
#include "harness/eval_suite.h"
#include "backend/neox_tokenizer_adapter.h"
#include "results/records.h"
#include "results/store.h"
#include "results/store_queries.h"

namespace mpt {
namespace fs = std::filesystem;

CheckpointWatcher::CheckpointWatcher(WatchOptions options, const std::atomic<bool>* stop)
    : options_(std::move(options)), stop_(stop) {
  std::error_code ec;
  if (!fs::is_directory(options_.checkpoints_dir, ec))
    throw input_error("checkpoints directory not found", "--checkpoints " + options_.checkpoints_dir,
                      "a directory the trainer writes checkpoint directories into", "no such directory");
  if (options_.run.eval.data_root.empty()) options_.run.eval.data_root = bundled_path("icl");
  // Prepared once: input errors in the task files show now, and the suite's configuration text is
  // part of every run identity (it does not depend on the tokenizer or the model's max_seq_len).
  const std::string tokenizer =
      options_.run.tokenizer_path.empty() ? Tokenizer::bundled_file() : options_.run.tokenizer_path;
  EvalSuite suite = prepare_suite(options_.run.eval, NeoxTokenizerAdapter(Tokenizer::from_file(tokenizer)));
  task_config_ = suite.task_config;
  gauntlet_config_ = suite.gauntlet_config;
  data_hash_ = suite.data_hash;
  store_ = std::make_unique<results::Store>(results::Store::open(options_.run.db_path));
}

CheckpointWatcher::~CheckpointWatcher() = default;

std::vector<CheckpointWatcher::Ready> CheckpointWatcher::scan(WatchSummary& summary) {
  const auto now = std::chrono::steady_clock::now();
  std::vector<Ready> ready;
  summary.waiting = 0;
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(options_.checkpoints_dir, ec))
    if (e.is_directory() && e.path().filename().string().front() != '.') dirs.push_back(e.path());
  if (ec) throw runtime_error("cannot list the checkpoints directory", options_.checkpoints_dir, "a readable directory", ec.message());
  for (const fs::path& path : dirs) {
    const std::string dir = path.string();
    CheckpointProbe p;
    try {
      p = probe_checkpoint(dir);
    } catch (const Error&) {
      continue;  // removed while listing
    }
    auto done = finished_.find(dir);
    if (done != finished_.end() && done->second == p.signature) continue;
    Seen& seen = seen_[dir];
    if (seen.signature != p.signature) seen = Seen{p.signature, now, 0};
    ++seen.polls;
    const bool settled = seen.polls >= 2 && now - seen.since >= std::chrono::duration<double>(options_.settle_seconds);
    if (p.complete && p.step && settled) {
      ready.push_back({*p.step, dir, p.signature});
      continue;
    }
    ++summary.waiting;
    if (p.complete && !p.step) {
      if (reported_.insert(dir).second)
        MPT_LOG(Warn, "watch: skipping {}: no step in its name (step-N, ep0-baN, checkpoint-N, baN) nor a step file "
                      "(step, trainer_state.json)", dir);
    } else if (!p.complete) {
      MPT_LOG(Debug, "watch: {} not complete yet: {}", dir, p.incomplete_reason);
    } else {
      MPT_LOG(Debug, "watch: {} complete, waiting until it stays unchanged for {} s", dir, options_.settle_seconds);
    }
  }
  std::sort(ready.begin(), ready.end(), [](const Ready& a, const Ready& b) { return std::tie(a.step, a.dir) < std::tie(b.step, b.dir); });
  return ready;
}

void CheckpointWatcher::evaluate(const Ready& r, WatchSummary& summary) {
  CheckpointRunOptions o = options_.run;
  o.model_dir = r.dir;
  o.training_step = r.step;
  finished_[r.dir] = r.signature;  // whatever happens below, not again for these files
  try {
    results::RunSpec spec = checkpoint_run_spec(*store_, o, resolve_tokenizer_path(o.model_dir, o.tokenizer_path));
    spec.task_config = task_config_;
    spec.gauntlet_config = gauntlet_config_;
    spec.data_hash = data_hash_;
    if (auto run = results::completed_run_with_identity(*store_, results::run_identity_hash(spec))) {
      MPT_LOG(Info, "watch: step {} ({}) already evaluated: run {}", r.step, r.dir, run->id);
      ++summary.already_done;
      return;
    }
    MPT_LOG(Info, "watch: evaluating step {} ({})", r.step, r.dir);
    RunOutcome out = run_checkpoint(o);
    MPT_LOG(Info, "watch: step {} done: run {}{} in {:.1f} s", r.step, out.run_id, out.resumed ? " (resumed)" : "",
            out.wall_seconds);
    summary.evaluated_steps.push_back(r.step);
  } catch (const std::exception& e) {
    MPT_LOG(Error, "watch: evaluating {} failed (not retried until its files change or the watcher restarts): {}", r.dir,
            e.what());
    ++summary.failed;
  }
}

WatchSummary CheckpointWatcher::run() {
  WatchSummary summary;
  MPT_LOG(Info, "watch: {} (poll every {} s, settle {} s), results in {}", options_.checkpoints_dir, options_.poll_seconds,
          options_.settle_seconds, options_.run.db_path);
  for (int64_t poll = 0; !stopping(); ++poll) {
    // --once: the first scan only records what is there; the second, settle_seconds later, evaluates.
    if (!options_.once || poll > 0)
      for (const Ready& r : scan(summary)) {
        if (stopping()) break;
        evaluate(r, summary);
      }
    else
      scan(summary);
    if (options_.once && poll > 0) break;
    const double wait = options_.once ? options_.settle_seconds : options_.poll_seconds;
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait);
    while (!stopping() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (stopping()) MPT_LOG(Info, "watch: stopped");
  return summary;
}

}  // namespace mpt
