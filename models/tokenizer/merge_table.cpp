#include "models/tokenizer/merge_table.h"

namespace mpt::tok {

MergeTable::MergeTable(size_t expected_rules) {
  size_t cap = 16;
  while (cap < expected_rules * 2) cap *= 2;  // load factor at most 1/2
  entries_.assign(cap, Entry{kEmpty, {}});
  mask_ = cap - 1;
  shift_ = 64 - __builtin_ctzll(cap);
}

void MergeTable::grow() {
  std::vector<Entry> old = std::move(entries_);
  size_t cap = old.size() * 2;
  entries_.assign(cap, Entry{kEmpty, {}});
  mask_ = cap - 1;
  shift_ = 64 - __builtin_ctzll(cap);
  size_ = 0;
  for (const Entry& e : old)
    if (e.key != kEmpty) set(TokenId(e.key >> 32), TokenId(uint32_t(e.key)), e.rule);
}

void MergeTable::set(TokenId left, TokenId right, MergeRule rule) {
  if ((size_ + 1) * 2 > entries_.size()) grow();
  uint64_t key = pack(left, right);
  for (size_t i = slot(key);; i = (i + 1) & mask_) {
    Entry& e = entries_[i];
    if (e.key == key) {
      e.rule = rule;
      return;
    }
    if (e.key == kEmpty) {
      e = Entry{key, rule};
      ++size_;
      return;
    }
  }
}

}  // namespace mpt::tok
