// A bit-exact model of CPython's `random.Random(int_seed)` (Modules/_randommodule.c and
// Lib/random.py, CPython 3.7-3.13), limited to what LLM Foundry's few-shot sampler calls:
// getrandbits(k <= 32), _randbelow (the getrandbits variant), choice(range(n)) and
// sample(range(n), k) with both of its strategies.
//
// The generator is MT19937. Python seeds it with init_by_array() over the 32-bit words of
// abs(seed), least significant first, which neither std::mt19937(seed) nor std::seed_seq does;
// the state transition and tempering are the standard ones.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace mpt {

class PythonRandom {
 public:
  // Same state as Python's random.Random(seed) for an int seed (negative seeds use abs(seed)).
  explicit PythonRandom(int64_t seed);

  // One tempered 32-bit MT19937 output (genrand_uint32).
  uint32_t next_uint32();
  // random.getrandbits(k) for 1 <= k <= 32: the top k bits of one output.
  uint32_t getrandbits(int k);
  // random._randbelow(n) for n >= 1: rejection sampling over bit_length(n) bits (note: the bit
  // length of n, not n-1); every rejected draw consumes one 32-bit output.
  uint64_t randbelow(uint64_t n);
  // random.choice(range(0, n)); n >= 1.
  uint64_t choice_below(uint64_t n) { return randbelow(n); }
  // random.sample(range(0, n), k), in selection order. 0 <= k <= n. Uses Python's pool strategy
  // when n is at most its small-set threshold (21, or 21 + 4^ceil(log4(3k)) for k > 5) and the
  // rejection strategy otherwise; the two consume the generator differently.
  std::vector<uint64_t> sample_range(uint64_t n, uint64_t k);

 private:
  void init_genrand(uint32_t s);
  void init_by_array(const std::vector<uint32_t>& key);
  void regenerate();

  static constexpr int kN = 624;
  std::array<uint32_t, kN> mt_{};
  int mti_ = kN + 1;
};

}  // namespace mpt
