// Parity with Hugging Face tokenizers 0.23 on GPT-NeoX-20B: ids and decoded text of every case in
// tests/fixtures/tokenizer/neox_parity.json (see PROVENANCE.md there).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/jsonl.h"
#include "tests/models/tokenizer_test_util.h"

namespace mpt::test {
namespace {

nlohmann::json parity_cases() {
  std::string path = std::string(MPTEVAL_TEST_FIXTURES) + "/tokenizer/neox_parity.json";
  return parse_json(read_file(path), path);
}

TEST(TokenizerParity, EveryFixtureCaseHasHfIdsAndDecodedText) {
  const Tokenizer& tok = neox_tokenizer();
  nlohmann::json cases = parity_cases();
  ASSERT_GE(cases.size(), 20u);
  int passed = 0;
  for (const auto& c : cases) {
    std::string text = c.at("text");
    Tokens expected = c.at("ids").get<Tokens>();
    Tokens ids = tok.encode(text);
    EXPECT_EQ(ids, expected) << "text: " << nlohmann::json(text).dump();
    EXPECT_EQ(tok.decode(expected), c.at("decoded").get<std::string>()) << "ids of " << nlohmann::json(text).dump();
    passed += ids == expected && tok.decode(expected) == c.at("decoded").get<std::string>();
  }
  EXPECT_EQ(passed, static_cast<int>(cases.size()));
  std::printf("parity: %d/%zu cases\n", passed, cases.size());
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
