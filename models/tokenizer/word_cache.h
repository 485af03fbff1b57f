// A bounded, thread-safe cache from a pre-token's bytes to its BPE token ids.
//
// Sharded by hash: each shard has its own mutex and holds at most capacity/shards entries; a full
// shard is emptied before the next insert (cheap, bounded, and a word that matters comes back at
// once). Words of kMaxWordBytes or more are not cached.
#pragma once

#include <array>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tasks/requests.h"

namespace mpt::tok {

class WordCache {
 public:
  static constexpr size_t kMaxWordBytes = 256;
  explicit WordCache(size_t capacity);

  // Appends the cached ids of `word` to `out` and returns true, or returns false on a miss.
  bool lookup(std::string_view word, Tokens& out) const;
  // Remembers `ids` (the whole encoding of `word`).
  void insert(std::string_view word, const TokenId* ids, size_t n) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Tokens, Hash, std::equal_to<>> map;
  };
  static constexpr size_t kShards = 64;
  Shard& shard_of(std::string_view word, size_t& hash) const;

  size_t per_shard_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace mpt::tok
