#include "tasks/python_random.h"

#include <bit>
#include <unordered_set>

#include "common/error.h"

namespace mpt {
namespace {

constexpr int kM = 397;
constexpr uint32_t kMatrixA = 0x9908b0dfU;
constexpr uint32_t kUpperMask = 0x80000000U;
constexpr uint32_t kLowerMask = 0x7fffffffU;

// Python's sample() switches from the pool to the set strategy above this population size.
uint64_t small_set_threshold(uint64_t k) {
  uint64_t setsize = 21;
  if (k > 5) {
    // 4 ** ceil(log(3k, 4)); 3k is never a power of 4, so this is the first power of 4 above 3k.
    uint64_t p = 1;
    while (p < 3 * k) p *= 4;
    setsize += p;
  }
  return setsize;
}

}  // namespace

PythonRandom::PythonRandom(int64_t seed) {
  // abs(seed) split into 32-bit words, least significant first; 0 gives the single word [0].
  uint64_t mag = seed < 0 ? uint64_t(0) - static_cast<uint64_t>(seed) : static_cast<uint64_t>(seed);
  std::vector<uint32_t> key;
  do {
    key.push_back(static_cast<uint32_t>(mag & 0xffffffffU));
    mag >>= 32;
  } while (mag != 0);
  init_by_array(key);
}

void PythonRandom::init_genrand(uint32_t s) {
  mt_[0] = s;
  for (int i = 1; i < kN; ++i) mt_[i] = 1812433253U * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + static_cast<uint32_t>(i);
  mti_ = kN;
}

void PythonRandom::init_by_array(const std::vector<uint32_t>& key) {
  init_genrand(19650218U);
  size_t i = 1, j = 0;
  const size_t key_length = key.size();
  for (size_t k = (kN > key_length ? kN : key_length); k; --k) {
    mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525U)) + key[j] + static_cast<uint32_t>(j);
    ++i;
    ++j;
    if (i >= kN) {
      mt_[0] = mt_[kN - 1];
      i = 1;
    }
    if (j >= key_length) j = 0;
  }
  for (size_t k = kN - 1; k; --k) {
    mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941U)) - static_cast<uint32_t>(i);
    ++i;
    if (i >= kN) {
      mt_[0] = mt_[kN - 1];
      i = 1;
    }
  }
  mt_[0] = 0x80000000U;  // guarantees a non-zero initial state
  mti_ = kN;
}

void PythonRandom::regenerate() {
  int kk = 0;
  for (; kk < kN - kM; ++kk) {
    uint32_t y = (mt_[kk] & kUpperMask) | (mt_[kk + 1] & kLowerMask);
    mt_[kk] = mt_[kk + kM] ^ (y >> 1) ^ ((y & 1U) ? kMatrixA : 0U);
  }
  for (; kk < kN - 1; ++kk) {
    uint32_t y = (mt_[kk] & kUpperMask) | (mt_[kk + 1] & kLowerMask);
    mt_[kk] = mt_[kk + (kM - kN)] ^ (y >> 1) ^ ((y & 1U) ? kMatrixA : 0U);
  }
  uint32_t y = (mt_[kN - 1] & kUpperMask) | (mt_[0] & kLowerMask);
  mt_[kN - 1] = mt_[kM - 1] ^ (y >> 1) ^ ((y & 1U) ? kMatrixA : 0U);
  mti_ = 0;
}

uint32_t PythonRandom::next_uint32() {
  if (mti_ >= kN) regenerate();
  uint32_t y = mt_[mti_++];
  y ^= (y >> 11);
  y ^= (y << 7) & 0x9d2c5680U;
  y ^= (y << 15) & 0xefc60000U;
  y ^= (y >> 18);
  return y;
}

uint32_t PythonRandom::getrandbits(int k) {
  if (k < 1 || k > 32) throw runtime_error("getrandbits supports 1..32 bits here", "", "1..32", std::to_string(k));
  return next_uint32() >> (32 - k);
}

uint64_t PythonRandom::randbelow(uint64_t n) {
  if (n == 0 || n > 0xffffffffULL)
    throw runtime_error("randbelow range out of bounds", "", "1 <= n < 2^32", std::to_string(n));
  const int k = std::bit_width(n);
  uint64_t r = getrandbits(k);
  while (r >= n) r = getrandbits(k);
  return r;
}

std::vector<uint64_t> PythonRandom::sample_range(uint64_t n, uint64_t k) {
  if (k > n) throw runtime_error("sample larger than population", "", "k <= " + std::to_string(n), std::to_string(k));
  std::vector<uint64_t> result(k);
  if (n <= small_set_threshold(k)) {
    std::vector<uint64_t> pool(n);
    for (uint64_t i = 0; i < n; ++i) pool[i] = i;
    for (uint64_t i = 0; i < k; ++i) {
      uint64_t j = randbelow(n - i);
      result[i] = pool[j];
      pool[j] = pool[n - i - 1];  // move the non-selected tail item into the vacancy
    }
  } else {
    // Only membership matters for this set, so any set type reproduces Python's draws.
    std::unordered_set<uint64_t> selected;
    for (uint64_t i = 0; i < k; ++i) {
      uint64_t j = randbelow(n);
      while (selected.count(j)) j = randbelow(n);
      selected.insert(j);
      result[i] = j;
    }
  }
  return result;
}

}  // namespace mpt
