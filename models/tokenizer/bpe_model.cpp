#include "models/tokenizer/bpe_model.h"

#include <algorithm>
#include <cstdio>
#include <functional>

#include "common/error.h"
#include "models/tokenizer/byte_level.h"
#include "models/tokenizer/utf8.h"

namespace mpt::tok {
namespace {

TokenId lookup(const Vocab& vocab, const std::string& token, const std::string& where, const char* role) {
  auto it = vocab.find(token);
  if (it == vocab.end())
    throw input_error(std::string("merge ") + role + " is not in model.vocab", where,
                      "every merge part and every merged pair in model.vocab", quote_excerpt(token));
  return it->second;
}

// Per-thread working memory of merge(), reused across words.
struct Scratch {
  std::vector<int32_t> prev, next;
  std::vector<uint64_t> heap;  // (rank << 32 | position), a min-heap
};

}  // namespace

BpeModel::BpeModel(const Vocab& vocab, const std::vector<std::pair<std::string, std::string>>& merges,
                   const BpeOptions& options, const std::string& where)
    : fuse_unk_(options.fuse_unk), ignore_merges_(options.ignore_merges), merges_(merges.size()),
      cache_(options.cache_capacity) {
  for (int b = 0; b < 256; ++b) {
    std::string spelling;
    append_utf8(spelling, byte_to_code_point(static_cast<uint8_t>(b)));
    auto it = vocab.find(spelling);
    byte_ids_[b] = it == vocab.end() ? -1 : it->second;
    if (it != vocab.end() || !options.byte_fallback) continue;
    std::vector<TokenId> ids;
    for (unsigned char c : spelling) {
      char name[8];
      std::snprintf(name, sizeof name, "<0x%02X>", c);
      auto f = vocab.find(std::string_view(name));
      if (f == vocab.end()) {
        ids.clear();
        break;
      }
      ids.push_back(f->second);
    }
    fallback_[b] = std::move(ids);
  }
  if (options.unk_token) {
    auto it = vocab.find(*options.unk_token);
    if (it == vocab.end())
      throw input_error("model.unk_token is not in model.vocab", where, "a vocabulary entry",
                        quote_excerpt(*options.unk_token));
    unk_id_ = it->second;
  }
  if (ignore_merges_) {
    for (const auto& [token, id] : vocab)
      if (auto bytes = byte_level_bytes(token)) byte_vocab_.emplace(std::move(*bytes), id);
  }
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [left, right] = merges[rank];
    TokenId l = lookup(vocab, left, where, "part");
    TokenId r = lookup(vocab, right, where, "part");
    TokenId m = lookup(vocab, left + right, where, "result");
    merges_.set(l, r, MergeRule{static_cast<uint32_t>(rank), m});
  }
}

void BpeModel::encode_word(std::string_view word, Tokens& out) const {
  if (word.empty()) return;
  if (ignore_merges_) {
    if (auto it = byte_vocab_.find(word); it != byte_vocab_.end()) {
      out.push_back(it->second);
      return;
    }
  }
  if (cache_.lookup(word, out)) return;
  size_t first = out.size();
  thread_local Tokens symbols;
  symbols.clear();
  initial_symbols(word, symbols);
  merge(symbols);
  out.insert(out.end(), symbols.begin(), symbols.end());
  cache_.insert(word, out.data() + first, out.size() - first);
}

// One symbol per byte, as HF's merge_word builds its Word from the characters of the byte-level
// spelling (one character per byte), including its order of unknown and fallback tokens.
void BpeModel::initial_symbols(std::string_view word, Tokens& symbols) const {
  constexpr TokenId kNone = -1;
  TokenId pending_unk = kNone;
  for (char ch : word) {
    auto b = static_cast<uint8_t>(ch);
    if (byte_ids_[b] >= 0) {
      if (pending_unk != kNone) symbols.push_back(pending_unk);
      pending_unk = kNone;
      symbols.push_back(byte_ids_[b]);
    } else if (!fallback_[b].empty()) {
      symbols.insert(symbols.end(), fallback_[b].begin(), fallback_[b].end());
    } else if (unk_id_) {
      if (pending_unk != kNone && !fuse_unk_) symbols.push_back(pending_unk);
      pending_unk = *unk_id_;
    }
  }
  if (pending_unk != kNone) symbols.push_back(pending_unk);
}

void BpeModel::merge(Tokens& ids) const {
  const size_t n = ids.size();
  if (n < 2) return;
  thread_local Scratch s;
  s.prev.resize(n);
  s.next.resize(n);
  s.heap.clear();
  for (size_t i = 0; i < n; ++i) {
    s.prev[i] = static_cast<int32_t>(i) - 1;
    s.next[i] = i + 1 < n ? static_cast<int32_t>(i + 1) : -1;
    if (i + 1 < n)
      if (const MergeRule* r = merges_.find(ids[i], ids[i + 1])) s.heap.push_back(uint64_t(r->rank) << 32 | i);
  }
  auto later = std::greater<uint64_t>();
  std::make_heap(s.heap.begin(), s.heap.end(), later);
  auto push = [&](int32_t pos) {
    if (const MergeRule* r = merges_.find(ids[pos], ids[s.next[pos]])) {
      s.heap.push_back(uint64_t(r->rank) << 32 | uint32_t(pos));
      std::push_heap(s.heap.begin(), s.heap.end(), later);
    }
  };
  constexpr TokenId kGone = -1;
  while (!s.heap.empty()) {
    std::pop_heap(s.heap.begin(), s.heap.end(), later);
    uint64_t top = s.heap.back();
    s.heap.pop_back();
    auto pos = static_cast<int32_t>(top & 0xFFFFFFFFu);
    auto rank = static_cast<uint32_t>(top >> 32);
    int32_t right = s.next[pos];
    if (ids[pos] == kGone || right < 0) continue;
    // A stale entry: the pair at pos changed since it was queued (ranks are unique per pair).
    const MergeRule* rule = merges_.find(ids[pos], ids[right]);
    if (rule == nullptr || rule->rank != rank) continue;
    ids[pos] = rule->merged;
    ids[right] = kGone;
    s.next[pos] = s.next[right];
    if (s.next[pos] >= 0) s.prev[s.next[pos]] = pos;
    if (s.prev[pos] >= 0) push(s.prev[pos]);
    if (s.next[pos] >= 0) push(pos);
  }
  ids.erase(std::remove(ids.begin(), ids.end(), kGone), ids.end());
}

}  // namespace mpt::tok
