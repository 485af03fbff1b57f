#include "models/tokenizer/word_cache.h"

namespace mpt::tok {

WordCache::WordCache(size_t capacity) : per_shard_(capacity / kShards) {}

WordCache::Shard& WordCache::shard_of(std::string_view word, size_t& hash) const {
  hash = Hash{}(word);
  // The low bits pick the map's bucket; the high bits pick the shard, so the two stay independent.
  return shards_[(hash >> 58) % kShards];
}

bool WordCache::lookup(std::string_view word, Tokens& out) const {
  if (per_shard_ == 0 || word.size() >= kMaxWordBytes) return false;
  size_t hash;
  Shard& shard = shard_of(word, hash);
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto it = shard.map.find(word);
  if (it == shard.map.end()) return false;
  out.insert(out.end(), it->second.begin(), it->second.end());
  return true;
}

void WordCache::insert(std::string_view word, const TokenId* ids, size_t n) const {
  if (per_shard_ == 0 || word.size() >= kMaxWordBytes) return;
  size_t hash;
  Shard& shard = shard_of(word, hash);
  std::lock_guard<std::mutex> lock(shard.mutex);
  if (shard.map.size() >= per_shard_) shard.map.clear();
  shard.map.try_emplace(std::string(word), ids, ids + n);
}

}  // namespace mpt::tok
