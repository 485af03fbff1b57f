// A bounded, thread-safe cache from a pre-token's bytes to its BPE token ids.
//
// Sharded by hash (each shard with its own mutex). A shard is an open-addressing table of small
// slots (hash, place in the arena, lengths) over one byte arena holding each word and its ids, so a
// lookup costs one slot probe and one arena read, and nothing is allocated per entry. A shard that
// is half full, or whose arena is full, is emptied before the next insert: bounded memory (about
// 16 + 64 bytes per slot), and a word that matters comes back at once. Words of kMaxWordBytes or
// more, or with more than kMaxIds ids, are not cached.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "common/tokens.h"

namespace mpt::tok {

class WordCache {
 public:
  static constexpr size_t kMaxWordBytes = 256;
  static constexpr size_t kMaxIds = 64;
  // `capacity`: total slots (rounded to a power of two per shard); 0 disables the cache.
  explicit WordCache(size_t capacity);

  // Appends the cached ids of `word` to `out` and returns true, or returns false on a miss.
  bool lookup(std::string_view word, Tokens& out) const;
  // Remembers `ids` (the whole encoding of `word`).
  void insert(std::string_view word, const TokenId* ids, size_t n) const;

  // The 64-bit hash the cache uses (never 0).
  static uint64_t hash(std::string_view word);

 private:
  struct Slot {
    uint64_t hash = 0;  // 0: empty
    uint32_t offset = 0;
    uint16_t word_len = 0;
    uint16_t n_ids = 0;
  };
  struct Shard {
    std::mutex mutex;
    std::vector<Slot> slots;
    std::vector<char> arena;
    size_t used = 0;
  };
  static constexpr size_t kShards = 64;
  Shard& shard_of(uint64_t h) const { return shards_[h >> 58]; }
  // The slot holding `word`, or the empty slot where it would go.
  Slot& find(Shard& shard, uint64_t h, std::string_view word) const;

  size_t slots_per_shard_ = 0;
  size_t arena_per_shard_ = 0;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace mpt::tok
