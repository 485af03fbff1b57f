#include "models/tokenizer/word_cache.h"

#include <cstring>

namespace mpt::tok {
namespace {

uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  return x ^ (x >> 33);
}

}  // namespace

WordCache::WordCache(size_t capacity) {
  if (capacity == 0) return;
  size_t per_shard = 16;
  while (per_shard * kShards < capacity) per_shard *= 2;
  slots_per_shard_ = per_shard;
  arena_per_shard_ = per_shard * 64;
  shards_ = std::make_unique<Shard[]>(kShards);
  for (size_t i = 0; i < kShards; ++i) {
    shards_[i].slots.resize(per_shard);
    shards_[i].arena.reserve(arena_per_shard_);
  }
}

uint64_t WordCache::hash(std::string_view word) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ word.size();
  size_t i = 0;
  for (; i + 8 <= word.size(); i += 8) {
    uint64_t chunk;
    std::memcpy(&chunk, word.data() + i, 8);
    h = mix(h ^ chunk);
  }
  uint64_t tail = 0;
  std::memcpy(&tail, word.data() + i, word.size() - i);
  h = mix(h ^ tail ^ (uint64_t{0xA5} << 56));
  return h | 1;
}

WordCache::Slot& WordCache::find(Shard& shard, uint64_t h, std::string_view word) const {
  size_t mask = slots_per_shard_ - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    Slot& s = shard.slots[i];
    if (s.hash == 0) return s;
    if (s.hash == h && s.word_len == word.size() &&
        std::memcmp(shard.arena.data() + s.offset, word.data(), word.size()) == 0)
      return s;
  }
}

bool WordCache::lookup(std::string_view word, Tokens& out) const {
  if (!shards_ || word.size() >= kMaxWordBytes) return false;
  uint64_t h = hash(word);
  Shard& shard = shard_of(h);
  std::lock_guard<std::mutex> lock(shard.mutex);
  const Slot& s = find(shard, h, word);
  if (s.hash == 0) return false;
  size_t at = out.size();
  out.resize(at + s.n_ids);
  std::memcpy(out.data() + at, shard.arena.data() + s.offset + s.word_len, s.n_ids * sizeof(TokenId));
  return true;
}

void WordCache::insert(std::string_view word, const TokenId* ids, size_t n) const {
  if (!shards_ || word.size() >= kMaxWordBytes || n > kMaxIds) return;
  uint64_t h = hash(word);
  Shard& shard = shard_of(h);
  std::lock_guard<std::mutex> lock(shard.mutex);
  size_t bytes = word.size() + n * sizeof(TokenId);
  if (2 * (shard.used + 1) > slots_per_shard_ || shard.arena.size() + bytes > arena_per_shard_) {
    std::fill(shard.slots.begin(), shard.slots.end(), Slot{});
    shard.arena.clear();
    shard.used = 0;
  }
  Slot& s = find(shard, h, word);
  if (s.hash != 0) return;  // another thread got here first
  s = Slot{h, static_cast<uint32_t>(shard.arena.size()), static_cast<uint16_t>(word.size()), static_cast<uint16_t>(n)};
  shard.arena.insert(shard.arena.end(), word.begin(), word.end());
  const char* raw = reinterpret_cast<const char*>(ids);
  shard.arena.insert(shard.arena.end(), raw, raw + n * sizeof(TokenId));
  ++shard.used;
}

}  // namespace mpt::tok
