// tokenizer_fuzz: the long randomized run of the tokenizer checks (tokenizer_fuzz.h).
//
//   build/tests/models/tokenizer_fuzz [--seconds 300] [--seed 1] [--max-len 4096]
//
// Prints the number of inputs and bytes checked; exits 1 with the failing inputs when a check fails.
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "tests/models/tokenizer_fuzz.h"
#include "tests/models/tokenizer_test_util.h"

int main(int argc, char** argv) {
  CLI::App app("Randomized checks of the GPT-NeoX tokenizer over arbitrary bytes");
  double seconds = 300;
  uint64_t seed = 1;
  size_t max_len = 4096;
  app.add_option("--seconds", seconds, "how long to run");
  app.add_option("--seed", seed, "random seed (the run is reproducible for a seed and a case count)");
  app.add_option("--max-len", max_len, "longest input in bytes");
  CLI11_PARSE(app, argc, argv);
  auto report = mpt::test::fuzz_tokenizer(mpt::test::neox_tokenizer(), seed, SIZE_MAX, seconds, max_len);
  std::printf("tokenizer_fuzz: seed %llu, %zu inputs, %.1f MB, %zu failures\n", static_cast<unsigned long long>(seed),
              report.cases, static_cast<double>(report.bytes) / 1e6, report.failures.size());
  for (const auto& f : report.failures) std::printf("  %s\n", f.c_str());
  return report.failures.empty() ? 0 : 1;
}
