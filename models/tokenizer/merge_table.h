// The BPE merge rules as an open-addressing hash table: (left id, right id) -> (rank, merged id).
// Flat arrays and a multiplicative hash keep the lookup (the inner loop of BPE) to a cache miss or two.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/tokens.h"

namespace mpt::tok {

struct MergeRule {
  uint32_t rank;   // position in the file's merges list: lower merges first
  TokenId merged;  // the id of left+right
};

class MergeTable {
 public:
  explicit MergeTable(size_t expected_rules = 0);

  // Adds or replaces the rule for (left, right): a pair listed twice keeps its later rank, as HF's
  // merges map does.
  void set(TokenId left, TokenId right, MergeRule rule);
  // The rule for (left, right), or nullptr.
  const MergeRule* find(TokenId left, TokenId right) const {
    uint64_t key = pack(left, right);
    for (size_t i = slot(key);; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.key == key) return &e.rule;
      if (e.key == kEmpty) return nullptr;
    }
  }
  size_t size() const { return size_; }

 private:
  struct Entry {
    uint64_t key;
    MergeRule rule;
  };
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  static uint64_t pack(TokenId l, TokenId r) { return (uint64_t(uint32_t(l)) << 32) | uint32_t(r); }
  size_t slot(uint64_t key) const { return (key * 0x9E3779B97F4A7C15ull) >> shift_; }
  void grow();

  std::vector<Entry> entries_;
  size_t mask_ = 0;
  int shift_ = 64;
  size_t size_ = 0;
};

}  // namespace mpt::tok
