// Randomized checks of the GPT-NeoX tokenizer over arbitrary bytes, shared by the short run in
// test_tokenizer and the long one (tokenizer_fuzz, label heavy).
//
// For each input x (random bytes, random code points, token-like pieces, broken UTF-8, long runs):
//   * encode(x) returns without crash or hang, and ids are in [0, vocab_size);
//   * encode(x) is the same the second time (word cache hit) as the first (miss);
//   * decode(encode(x), false) == expected_neox_decoding(x, false) and likewise with
//     skip_special_tokens: for valid UTF-8 that is NFC(x) (the round trip), for invalid input HF's
//     behaviour on the lossy repair of x (see tokenizer_test_util.h).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "models/tokenizer/tokenizer.h"

namespace mpt::test {

struct FuzzReport {
  size_t cases = 0;
  size_t bytes = 0;
  std::vector<std::string> failures;  // one line per failing input (hex-escaped), at most 20
};

// One random input of at most max_len bytes.
std::string random_tokenizer_input(std::mt19937_64& rng, size_t max_len);

// Runs until max_cases inputs or max_seconds have passed, whichever comes first.
FuzzReport fuzz_tokenizer(const Tokenizer& tok, uint64_t seed, size_t max_cases, double max_seconds,
                          size_t max_len);

}  // namespace mpt::test
