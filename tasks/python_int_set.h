// A model of a CPython set (Objects/setobject.c, 3.7-3.13) holding small non-negative ints, kept
// only for its iteration order: LLM Foundry iterates the set its few-shot sampler returns, so the
// shots appear in hash-table slot order, which is neither sorted nor insertion order.
//
// For 0 <= i < 2^61-1, hash(i) == i. The table starts at 8 slots; an insertion that makes
// fill*5 >= mask*3 resizes to the smallest power of two above used*4 (used*2 past 50000 entries);
// probing is linear for up to 9 slots, then perturbed (perturb >>= 5; i = i*5 + 1 + perturb).
// Removal leaves a dummy slot that a later add may reuse. Iteration walks the slots in order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mpt {

class PythonIntSet {
 public:
  PythonIntSet();
  // set(values): an empty set, then add() for each value in order.
  explicit PythonIntSet(const std::vector<uint64_t>& values);

  void add(uint64_t key);             // set.add
  bool remove(uint64_t key);          // set.discard; returns whether the key was present
  bool contains(uint64_t key) const;  // `key in set`
  size_t size() const { return used_; }
  // The keys in CPython's iteration order (slot order).
  std::vector<uint64_t> ordered() const;

 private:
  enum class State : uint8_t { Empty, Dummy, Active };
  struct Slot {
    State state = State::Empty;
    uint64_t key = 0;
  };

  // Index of the active slot holding key, or -1 (set_lookkey).
  int64_t find(uint64_t key) const;
  void resize(size_t minused);
  void insert_clean(uint64_t key);

  std::vector<Slot> table_;
  size_t mask_ = 7;
  size_t fill_ = 0;  // active + dummy slots
  size_t used_ = 0;  // active slots
};

}  // namespace mpt
