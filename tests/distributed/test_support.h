// In-process stand-ins for the distributed seams: a communicator connecting threads, and a
// key-value store in memory (with a switch that makes it fail like a store whose host died).
#pragma once

#include <cstdint>

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "dist/communicator.h"
#include "dist/key_value_store.h"

namespace mpt::test {

// N ranks exchanging through shared memory; every exchange waits for all N.
class LocalHub {
 public:
  explicit LocalHub(int n) : n_(n), slots_(static_cast<size_t>(n)) {}
  std::vector<std::string> exchange(int rank, const std::string& mine) {
    std::unique_lock<std::mutex> lock(mutex_);
    const uint64_t gen = generation_;
    slots_[static_cast<size_t>(rank)] = mine;
    if (++arrived_ == n_) {
      published_ = std::make_shared<std::vector<std::string>>(slots_);
      arrived_ = 0;
      ++generation_;
      cv_.notify_all();
    } else {
      cv_.wait(lock, [&] { return generation_ != gen; });
    }
    return *published_;
  }
  int size() const { return n_; }

 private:
  const int n_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> slots_;
  std::shared_ptr<std::vector<std::string>> published_;
  int arrived_ = 0;
  uint64_t generation_ = 0;
};

class LocalCommunicator final : public dist::Communicator {
 public:
  LocalCommunicator(LocalHub& hub, int rank) : hub_(hub), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return hub_.size(); }
  std::vector<std::string> allgather(const std::string& mine) override {
    ++collectives;
    return hub_.exchange(rank_, mine);
  }
  std::string broadcast(const std::string& bytes, int root) override {
    return allgather(bytes)[static_cast<size_t>(root)];
  }
  void barrier() override { allgather(""); }
  int collectives = 0;

 private:
  LocalHub& hub_;
  int rank_;
};

// Shared by the "connections" made from it; `broken` makes every call throw.
struct MemoryStoreState {
  std::mutex mutex;
  std::map<std::string, std::string> values;
  std::atomic<bool> broken{false};
};

class MemoryKeyValueStore final : public dist::KeyValueStore {
 public:
  explicit MemoryKeyValueStore(std::shared_ptr<MemoryStoreState> state) : state_(std::move(state)) {}
  void set(const std::string& key, const std::string& value) override {
    check();
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->values[key] = value;
  }
  std::optional<std::string> try_get(const std::string& key) override {
    check();
    std::lock_guard<std::mutex> lock(state_->mutex);
    auto it = state_->values.find(key);
    if (it == state_->values.end()) return std::nullopt;
    return it->second;
  }
  int64_t add(const std::string& key, int64_t delta) override {
    check();
    std::lock_guard<std::mutex> lock(state_->mutex);
    std::string& v = state_->values[key];
    int64_t n = (v.empty() ? 0 : std::stoll(v)) + delta;
    v = std::to_string(n);
    return n;
  }
  std::string address() const override { return "memory:0"; }

 private:
  void check() const {
    if (state_->broken) throw std::runtime_error("Connection reset by peer");
  }
  std::shared_ptr<MemoryStoreState> state_;
};

}  // namespace mpt::test
