#include "dist/rank_monitor.h"

#include <fmt/format.h>

namespace mpt::dist {
namespace {

constexpr const char* kDone = "done";
constexpr const char* kFinished = "finished";

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

namespace control_keys {
std::string heartbeat(int rank) { return "hb/" + std::to_string(rank); }
std::string abort_message(const std::string& who) { return "abort/" + who; }
}  // namespace control_keys

RankMonitor::RankMonitor(std::unique_ptr<KeyValueStore> store, int rank, int size, MonitorOptions options)
    : store_(std::move(store)), rank_(rank), size_(size), options_(std::move(options)) {
  last_tick_ = watched_since_ = std::chrono::steady_clock::now();
  thread_ = std::thread([this] { loop(); });
}

RankMonitor::~RankMonitor() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RankMonitor::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    lock.unlock();
    tick();
    lock.lock();
    changed_.wait_for(lock, options_.interval, [&] { return stop_; });
  }
}

void RankMonitor::tick() {
  using clock = std::chrono::steady_clock;
  try {
    std::lock_guard<std::mutex> store_lock(store_mutex_);
    store_->set(control_keys::heartbeat(rank_), std::to_string(++beat_));
    if (!failure()) {
      if (auto abort = read_abort()) record(*abort);
    }
    if (size_ > 1 && !watched_done_ && !failure()) {
      const int watched = (rank_ + 1) % size_;
      std::optional<std::string> value = store_->try_get(control_keys::heartbeat(watched));
      auto now = clock::now();
      if (value && *value == kDone) {
        watched_done_ = true;
      } else if (value != watched_value_) {
        watched_value_ = value;
        watched_since_ = now;
      } else if (now - watched_since_ > options_.rank_timeout) {
        std::string message = fmt::format("rank {} stopped responding: no heartbeat for {:.0f} s (noticed by rank {})",
                                          watched, seconds(now - watched_since_), rank_);
        store_->set(control_keys::abort_message(std::to_string(rank_)), message);
        store_->add(control_keys::kAbortCount, 1);
        record(message);
      }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    last_tick_ = clock::now();
  } catch (const std::exception& e) {
    record(fmt::format("lost the job's rendezvous store at {} (hosted by {}): {}", store_->address(),
                       options_.store_host, e.what()));
  }
}

std::optional<std::string> RankMonitor::read_abort() {
  if (store_->add(control_keys::kAbortCount, 0) <= 0) return std::nullopt;
  // A rank's own account first: a rank that fails announces why before it exits, while the
  // launcher only sees the exit.
  for (int r = 0; r < size_; ++r)
    if (r != rank_)
      if (auto m = store_->try_get(control_keys::abort_message(std::to_string(r)))) return m;
  return store_->try_get(control_keys::abort_message("launcher"));
}

void RankMonitor::record(const std::string& failure) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (failure_) return;
    failure_ = failure;
  }
  changed_.notify_all();
}

std::optional<std::string> RankMonitor::failure() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (failure_) return failure_;
  auto silent = std::chrono::steady_clock::now() - last_tick_;
  if (silent > options_.rank_timeout + 2 * options_.interval)
    return fmt::format("the job's rendezvous store at {} (hosted by {}) has not answered for {:.0f} s",
                       store_->address(), options_.store_host, seconds(silent));
  return std::nullopt;
}

std::optional<std::string> RankMonitor::wait_for_failure(std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!failure_ && std::chrono::steady_clock::now() < deadline) {
    changed_.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() + options_.interval));
    if (!failure_) {
      lock.unlock();
      auto f = failure();  // also notices a silent store
      lock.lock();
      if (f) return f;
    }
  }
  return failure_;
}

void RankMonitor::announce_failure(const std::string& message) noexcept {
  std::string text = fmt::format("rank {} failed: {}", rank_, message);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (failure_) return;
    failure_ = text;
  }
  changed_.notify_all();
  try {
    std::lock_guard<std::mutex> store_lock(store_mutex_);
    store_->set(control_keys::abort_message(std::to_string(rank_)), text);
    store_->add(control_keys::kAbortCount, 1);
  } catch (...) {
    // The store is gone too: the others notice that on their own.
  }
}

void RankMonitor::finish(bool wait_for_all) noexcept {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  try {
    std::lock_guard<std::mutex> store_lock(store_mutex_);
    store_->set(control_keys::heartbeat(rank_), kDone);
    store_->add(kFinished, 1);
    if (!wait_for_all) return;
    auto deadline = std::chrono::steady_clock::now() + options_.rank_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (store_->add(kFinished, 0) >= size_ || read_abort()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  } catch (...) {
    // Nothing left to coordinate with.
  }
}

}  // namespace mpt::dist
