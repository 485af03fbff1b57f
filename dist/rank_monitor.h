// Detects a failed rank within a bounded time, through the job's rendezvous store.
//
// Each rank runs one RankMonitor (a background thread) that, every `interval`:
//   * writes its heartbeat, "hb/<rank>" = an increasing counter;
//   * watches the next rank's heartbeat (rank r watches r+1 mod N: O(1) store traffic per rank,
//     and every rank is watched while any rank is alive); a heartbeat that has not changed for
//     `rank_timeout` means that rank is gone (crash, kill -9, lost node), and the watcher announces it;
//   * reads the abort counter: a rank whose run fails (or the launcher, when a child dies) announces
//     "abort/<who>" = message, so that every other rank stops within one interval.
// Losing the store itself (its host, rank 0 or the launcher, is gone) is also a failure.
// So a failure is known everywhere within rank_timeout + 2 intervals; the collectives check
// failure() while they wait, and World::check() lets long local work stop early.
#pragma once

#include <cstdint>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "dist/key_value_store.h"

namespace mpt::dist {

struct MonitorOptions {
  std::chrono::milliseconds interval{1000};       // heartbeat and polling period
  std::chrono::milliseconds rank_timeout{30000};  // silence after which a rank counts as dead
  std::string store_host = "rank 0";              // who hosts the store, for messages
};

// Keys of the control plane, shared with the launcher (local_launcher.cpp), relative to the
// monitor store's prefix.
namespace control_keys {
inline constexpr const char* kAbortCount = "aborts";
std::string heartbeat(int rank);
std::string abort_message(const std::string& who);  // who: a rank number or "launcher"
}  // namespace control_keys

class RankMonitor {
 public:
  // `store` is this monitor's own connection (keys as above). Starts the thread.
  RankMonitor(std::unique_ptr<KeyValueStore> store, int rank, int size, MonitorOptions options);
  ~RankMonitor();  // stops the thread; announces nothing
  RankMonitor(const RankMonitor&) = delete;
  RankMonitor& operator=(const RankMonitor&) = delete;

  // The first failure this rank knows of, e.g. "rank 2 stopped responding (no heartbeat for 30 s)",
  // "rank 1 failed: <its error>", "lost the rendezvous store at 127.0.0.1:29500 (hosted by rank 0): ...".
  std::optional<std::string> failure() const;
  // Waits up to `timeout` for a failure to become known (after a collective failed without saying who).
  std::optional<std::string> wait_for_failure(std::chrono::milliseconds timeout) const;
  // Tells the other ranks that this rank fails, unless a failure is already known (then this
  // rank is only a consequence). Best effort; never throws.
  void announce_failure(const std::string& message) noexcept;
  // Clean end: stops the heartbeat and marks this rank finished, so that its silence is no failure.
  // When `wait_for_all` (the rank hosting the store), waits until every rank finished (or failed,
  // or rank_timeout passed), so that the store outlives the others' last calls.
  void finish(bool wait_for_all) noexcept;

  const MonitorOptions& options() const { return options_; }

 private:
  void loop();
  void tick();
  void record(const std::string& failure);
  std::optional<std::string> read_abort();

  std::unique_ptr<KeyValueStore> store_;
  const int rank_, size_;
  const MonitorOptions options_;

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  bool stop_ = false;
  std::optional<std::string> failure_;
  std::chrono::steady_clock::time_point last_tick_;  // the loop's last completed round (store answered)

  // Watched rank's state (monitor thread only).
  int64_t beat_ = 0;
  std::optional<std::string> watched_value_;
  std::chrono::steady_clock::time_point watched_since_;
  bool watched_done_ = false;

  std::mutex store_mutex_;  // the store connection is used by the thread and by announce/finish
  std::thread thread_;
};

}  // namespace mpt::dist
