// `mpt-eval watch`: evaluates every checkpoint a trainer writes into a directory, each exactly
// once, oldest step first, beside any trainer (it only reads the directory).
//
//   CheckpointWatcher watcher(options, &stop_flag);   // prepares the task file once (early input errors)
//   WatchSummary s = watcher.run();                   // polls until stop_flag (or once)
//
// Each poll lists the subdirectories of options.checkpoints_dir (names starting with '.' are
// ignored: writers' temporary directories) and probes them (checkpoint_probe.h). A checkpoint is
// evaluated when it is
//   * complete (config.json and whole weight files, see checkpoint_probe.h),
//   * stable: its signature (file names, sizes, mtimes) was the same at an earlier poll and has
//     not changed for settle_seconds, and
//   * labelled with a step (from its name or a step file); one without is logged once and skipped.
// Ready checkpoints go in step order (then name). Bookkeeping lives in the results store only: a
// checkpoint counts as done when the store holds a COMPLETED run with the identity its evaluation
// would have (content hash of the checkpoint, tokenizer, task selection, gauntlet, dtype, device
// class; results/records.h), so a restarted watcher neither re-evaluates a finished checkpoint nor
// skips one, and an unfinished run (a watcher killed mid-evaluation) is resumed by run_checkpoint
// (Store::start_run takes over the unfinished run of the same identity).
// A failed evaluation is logged and not retried by this process until the checkpoint's files change
// (a restart retries it). The stop flag is checked between checkpoints and while sleeping; an
// evaluation in progress runs to its end (a hard kill is safe too: it resumes on restart).
// Errors: the constructor throws mpt::Error (Input) for a missing checkpoints directory and
// everything prepare_suite rejects; run() throws only for store failures.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "harness/checkpoint_probe.h"
#include "harness/checkpoint_run.h"

namespace mpt {

namespace results {
class Store;
}  // namespace results

struct WatchOptions {
  std::string checkpoints_dir;
  CheckpointRunOptions run;     // evaluation settings; model_dir and training_step are set per checkpoint
  double poll_seconds = 30;     // between scans
  double settle_seconds = 10;   // a checkpoint must stay unchanged at least this long
  bool once = false;            // scan, wait settle_seconds, evaluate what is ready, return
};

struct WatchSummary {
  std::vector<int64_t> evaluated_steps;  // evaluated by this call, in order
  int64_t already_done = 0;              // ready checkpoints the store already had a completed run of
  int64_t failed = 0;                    // evaluations that threw (logged)
  int64_t waiting = 0;                   // at the last poll: present but not (yet) complete, stable or stepped
};

class CheckpointWatcher {
 public:
  // `stop` (optional) is polled; it must outlive run().
  CheckpointWatcher(WatchOptions options, const std::atomic<bool>* stop = nullptr);
  ~CheckpointWatcher();
  CheckpointWatcher(const CheckpointWatcher&) = delete;
  CheckpointWatcher& operator=(const CheckpointWatcher&) = delete;

  WatchSummary run();

 private:
  struct Seen {
    std::string signature;
    std::chrono::steady_clock::time_point since;  // when this signature was first seen
    int64_t polls = 0;                            // polls that saw this signature
  };
  struct Ready {
    int64_t step;
    std::string dir;
    std::string signature;
  };

  std::vector<Ready> scan(WatchSummary& summary);
  void evaluate(const Ready& r, WatchSummary& summary);
  bool stopping() const { return stop_ && stop_->load(); }

  WatchOptions options_;
  const std::atomic<bool>* stop_;
  std::unique_ptr<results::Store> store_;
  std::string task_config_, gauntlet_config_, data_hash_;  // the suite's, for run identities
  std::map<std::string, Seen> seen_;
  std::map<std::string, std::string> finished_;  // dir -> signature handled (evaluated, done or failed)
  std::set<std::string> reported_;               // dirs whose waiting reason or missing step was logged
};

}  // namespace mpt
