// Round trip decode(encode(s)) == NFC(s) over real data, and the randomized checks over arbitrary
// bytes (tokenizer_fuzz.h), in their short form.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "common/jsonl.h"
#include "tests/models/tokenizer_fuzz.h"
#include "tests/models/tokenizer_test_util.h"

namespace mpt::test {
namespace {
namespace fs = std::filesystem;

bool is_jsonl(const fs::path& p) {
  std::string name = p.filename().string();
  auto ends = [&](const std::string& suffix) {
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends(".jsonl") || ends(".jsonl.gz");
}

void collect_strings(const nlohmann::json& v, std::vector<std::string>& out) {
  if (v.is_string()) out.push_back(v.get<std::string>());
  else if (v.is_array() || v.is_object())
    for (const auto& x : v) collect_strings(x, out);
}

struct RoundTripCount {
  size_t files = 0, strings = 0, bytes = 0, failures = 0;
};

// Every string value (at any depth) of every line of every *.jsonl(.gz) under `root`.
void round_trip_dir(const std::string& root, RoundTripCount& count) {
  const Tokenizer& tok = neox_tokenizer();
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file() && is_jsonl(e.path())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    ++count.files;
    for_each_jsonl(file.string(), [&](const nlohmann::json& line, int line_no) {
      std::vector<std::string> strings;
      collect_strings(line, strings);
      for (const auto& s : strings) {
        ++count.strings;
        count.bytes += s.size();
        std::string back = tok.decode(tok.encode(s), false);
        if (back != nfc(s)) {
          ++count.failures;
          ADD_FAILURE() << file.string() << ":" << line_no << ": decode(encode(s)) != NFC(s) for "
                        << nlohmann::json(s).dump().substr(0, 300);
        }
      }
    });
  }
}

TEST(TokenizerRoundTrip, EveryStringOfTheBundledJsonl) {
  RoundTripCount count;
  round_trip_dir(std::string(MPTEVAL_SOURCE_DIR) + "/data", count);
  std::printf("round trip over data/: %zu files, %zu strings, %.1f MB, %zu failures\n", count.files, count.strings,
              static_cast<double>(count.bytes) / 1e6, count.failures);
  if (count.strings == 0) GTEST_SKIP() << "no *.jsonl(.gz) bundled under data/ yet";
}

// MPTEVAL_EXTRA_ROUNDTRIP_DIR=<dir>: the same over another tree (e.g. the team's reference data).
TEST(TokenizerRoundTrip, ExtraDirectoryFromEnvironment) {
  const char* dir = std::getenv("MPTEVAL_EXTRA_ROUNDTRIP_DIR");
  if (dir == nullptr || *dir == '\0') GTEST_SKIP() << "MPTEVAL_EXTRA_ROUNDTRIP_DIR not set";
  RoundTripCount count;
  round_trip_dir(dir, count);
  std::printf("round trip over %s: %zu files, %zu strings, %.1f MB, %zu failures\n", dir, count.files, count.strings,
              static_cast<double>(count.bytes) / 1e6, count.failures);
  EXPECT_GT(count.strings, 0u);
}

TEST(TokenizerRoundTrip, MegabyteWithoutSpacesAndLongWhitespaceRuns) {
  const Tokenizer& tok = neox_tokenizer();
  std::mt19937_64 rng(7);
  std::string letters(1 << 20, 'a');
  for (auto& c : letters) c = static_cast<char>('a' + rng() % 26);
  for (const std::string& s : {letters, std::string(1 << 20, 'a'), std::string(100000, ' '), std::string(100000, '\n'),
                               std::string(50000, '\t') + "x"}) {
    Tokens ids = tok.encode(s);
    EXPECT_FALSE(ids.empty());
    EXPECT_EQ(tok.decode(ids), s) << "length " << s.size();
  }
  // 100,000 spaces are runs of 24 (id 50254) and the 16 left over (50262).
  Tokens spaces = tok.encode(std::string(100000, ' '));
  EXPECT_EQ(spaces.size(), 100000u / 24 + 1);
  EXPECT_EQ(spaces.front(), 50254);
  EXPECT_EQ(spaces.back(), 50262);
}

// The short form of tools/heavy tokenizer_fuzz: a few thousand inputs, a fixed seed.
TEST(TokenizerFuzz, ShortRandomizedRun) {
  FuzzReport report = fuzz_tokenizer(neox_tokenizer(), 20261126, 3000, 60.0, 512);
  for (const auto& f : report.failures) ADD_FAILURE() << f;
  EXPECT_EQ(report.cases, 3000u);
  std::printf("fuzz: %zu inputs, %.2f MB, %zu failures\n", report.cases, static_cast<double>(report.bytes) / 1e6,
              report.failures.size());
}

}  // namespace
}  // namespace mpt::test
