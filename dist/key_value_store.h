// The small key-value interface the failure monitor needs from a c10d Store (TCPStore): the
// rendezvous store doubles as the job's control plane (heartbeats, abort notices). Implemented
// over c10d in c10d_group.cpp and in memory (MemoryKeyValueStore) for tests.
// Implementations must be safe to call from the monitor thread while other threads use their own
// connections; every call may throw when the store is unreachable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mpt::dist {

class KeyValueStore {
 public:
  virtual ~KeyValueStore() = default;
  virtual void set(const std::string& key, const std::string& value) = 0;
  // The value, or std::nullopt when the key does not exist (never blocks waiting for it).
  virtual std::optional<std::string> try_get(const std::string& key) = 0;
  // Atomically adds `delta` to the integer counter `key` (created at 0) and returns the new value.
  virtual int64_t add(const std::string& key, int64_t delta) = 0;
  // Where the store lives, for messages ("127.0.0.1:29500").
  virtual std::string address() const = 0;
};

}  // namespace mpt::dist
