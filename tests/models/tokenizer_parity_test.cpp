// Parity with Hugging Face tokenizers: ids and decoded text of every golden case.
//   neox_parity.json       20 cases from tokenizers 0.23 (Python), the acceptance set
//   neox_hf_cases.json     1198 curated and random strings, tokenizers 0.23.2 (official Node binding)
//   mini_*.cases.json      small tokenizer.json files with the flags GPT-NeoX leaves unused
// (see tests/fixtures/tokenizer/PROVENANCE.md).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/jsonl.h"
#include "tests/models/tokenizer_test_util.h"

namespace mpt::test {
namespace {

std::string fixture(const std::string& name) { return std::string(MPTEVAL_TEST_FIXTURES) + "/tokenizer/" + name; }

nlohmann::json load(const std::string& name) { return parse_json(read_file(fixture(name)), fixture(name)); }

// Checks ids, decode (skipping specials) and, when recorded, decode keeping them. Returns the
// number of cases that matched in full.
int check_cases(const Tokenizer& tok, const nlohmann::json& cases) {
  int passed = 0;
  for (const auto& c : cases) {
    std::string text = c.at("text");
    std::string shown = nlohmann::json(text).dump();
    Tokens expected = c.at("ids").get<Tokens>();
    Tokens ids = tok.encode(text);
    bool ok = ids == expected;
    EXPECT_EQ(ids, expected) << "text: " << shown;
    std::string decoded = tok.decode(expected);
    ok = ok && decoded == c.at("decoded").get<std::string>();
    EXPECT_EQ(decoded, c.at("decoded").get<std::string>()) << "ids of " << shown;
    if (c.contains("decoded_with_special")) {
      std::string raw = tok.decode(expected, false);
      ok = ok && raw == c.at("decoded_with_special").get<std::string>();
      EXPECT_EQ(raw, c.at("decoded_with_special").get<std::string>()) << "ids of " << shown;
    }
    passed += ok;
  }
  return passed;
}

TEST(TokenizerParity, NeoxParityFixture) {
  nlohmann::json cases = load("neox_parity.json");
  ASSERT_EQ(cases.size(), 20u);
  int passed = check_cases(neox_tokenizer(), cases);
  EXPECT_EQ(passed, 20);
  std::printf("neox_parity.json: %d/%zu cases identical\n", passed, cases.size());
}

TEST(TokenizerParity, NeoxHfCases) {
  nlohmann::json doc = load("neox_hf_cases.json");
  const auto& cases = doc.at("cases");
  ASSERT_GE(cases.size(), 1000u);
  int passed = check_cases(neox_tokenizer(), cases);
  EXPECT_EQ(passed, static_cast<int>(cases.size()));
  std::printf("neox_hf_cases.json: %d/%zu cases identical\n", passed, cases.size());
}

TEST(TokenizerParity, MiniTokenizersExerciseFlagsFallbackAndUnk) {
  for (const char* name : {"mini_flags", "mini_fallback"}) {
    SCOPED_TRACE(name);
    Tokenizer tok = Tokenizer::from_file(fixture(std::string(name) + ".tokenizer.json"));
    nlohmann::json doc = load(std::string(name) + ".cases.json");
    EXPECT_EQ(check_cases(tok, doc.at("cases")), static_cast<int>(doc.at("cases").size()));
  }
}

TEST(TokenizerParity, NeoxFacts) {
  const Tokenizer& tok = neox_tokenizer();
  EXPECT_EQ(tok.vocab_size(), 50277);
  EXPECT_EQ(tok.eos_token_id(), 0);
  EXPECT_EQ(tok.token_to_id("<|padding|>"), 1);
  EXPECT_EQ(tok.token_to_id("Ġthe"), 253);
  EXPECT_EQ(tok.token_to_id("  "), 50276);
  EXPECT_EQ(tok.token_to_id("no such token"), std::nullopt);
  EXPECT_EQ(tok.content_hash(), "56ac4821e129d2c520fdaba60abd920fa852ada51b45c0dd52bbb6bd8c985ade");
}

TEST(TokenizerParity, BundledIsTheProjectCopy) {
  Tokenizer tok = Tokenizer::bundled();
  EXPECT_EQ(tok.content_hash(), neox_tokenizer().content_hash());
  EXPECT_EQ(tok.encode("Hello world"), (Tokens{12092, 1533}));
}

}  // namespace
}  // namespace mpt::test
