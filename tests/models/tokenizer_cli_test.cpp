// `mpt-eval tokenize` end to end: byte-exact text in, ids out (and back), through the real binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/jsonl.h"
#include "tests/cli/run_command.h"
#include "tests/models/tokenizer_test_util.h"

namespace mpt::test {
namespace {

std::string ids_line(const Tokens& ids) {
  std::string s;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) s += ' ';
    s += std::to_string(ids[i]);
  }
  return s + "\n";
}

std::string neox_file() { return std::string(MPTEVAL_SOURCE_DIR) + "/data/tokenizer/gpt-neox-20b/tokenizer.json"; }

TEST(TokenizeCli, EncodesTextArgument) {
  auto r = run_mpt_eval({"tokenize", "--text", "Hello world"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "12092 1533\n");
}

// The way the held-back parity strings are checked: --tokenizer FILE --text STR, one call each.
// Ten parity cases: spaces, tabs and newlines, code, Unicode, contractions, the empty string,
// specials, CRLF (the library tests check all of them; each call here costs a process start).
TEST(TokenizeCli, ParityCasesThroughTextArgument) {
  std::string path = std::string(MPTEVAL_TEST_FIXTURES) + "/tokenizer/neox_parity.json";
  nlohmann::json cases = parse_json(read_file(path), path);
  for (size_t i : {1, 2, 3, 4, 5, 7, 8, 11, 14, 17}) {
    const auto& c = cases.at(i);
    std::string text = c.at("text");
    auto r = run_mpt_eval({"tokenize", "--tokenizer", neox_file(), "--text", text});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, ids_line(c.at("ids").get<Tokens>())) << nlohmann::json(text).dump();
  }
}

TEST(TokenizeCli, TextThatLooksLikeAnOptionOrIsBlank) {
  const Tokenizer& tok = neox_tokenizer();
  for (std::string text : {"-1", "--help", "--decode", " ", "\n", "  lead and trail  ", ""}) {
    auto r = run_mpt_eval({"tokenize", "--text", text});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, ids_line(tok.encode(text))) << nlohmann::json(text).dump();
  }
}

TEST(TokenizeCli, ReadsAllOfStdinExactly) {
  std::string text = "tabs\tand\nnewlines\n\n\n";
  auto r = run_mpt_eval({"tokenize"}, text);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "33754 186 395 187 1826 8737 2756\n");
  std::string binary("a\0b\xff", 4);  // NUL and an invalid byte survive the trip through stdin
  r = run_mpt_eval({"tokenize"}, binary);
  EXPECT_EQ(r.out, ids_line(neox_tokenizer().encode(binary)));
}

TEST(TokenizeCli, DecodesIds) {
  auto r = run_mpt_eval({"tokenize", "--decode", "12092 1533"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Hello world");
  EXPECT_EQ(run_mpt_eval({"tokenize", "--decode", "0,5801,0"}).out, "hi");
  EXPECT_EQ(run_mpt_eval({"tokenize", "--decode", "[0, 5801, 0]", "--no-skip-special"}).out,
            "<|endoftext|>hi<|endoftext|>");
  Tokens ids = neox_tokenizer().encode("Hello , world !");
  EXPECT_EQ(run_mpt_eval({"tokenize", "--decode", ids_line(ids), "--clean-up-spaces"}).out, "Hello, world!");
}

TEST(TokenizeCli, ModelDirectoryWithoutTokenizerUsesTheBundledOne) {
  std::string dir = temp_file("", "") + ".d";
  std::filesystem::create_directories(dir);
  auto r = run_mpt_eval({"tokenize", "--model", dir, "--text", "Hello world"});
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "12092 1533\n");
  EXPECT_NE(r.err.find("bundled GPT-NeoX-20B"), std::string::npos) << r.err;
}

TEST(TokenizeCli, BadInputIsAUsageError) {
  auto r = run_mpt_eval({"tokenize", "--decode", "12 abc"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("\"abc\""), std::string::npos) << r.err;
  r = run_mpt_eval({"tokenize", "--tokenizer", "/nonexistent/tokenizer.json", "--text", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/tokenizer.json"), std::string::npos) << r.err;
  r = run_mpt_eval({"tokenize", "--text", "x", "--decode", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty());
  // Past int64 (std::stoll threw std::out_of_range: exit 1, "error: stoll").
  for (const char* id : {"99999999999999999999", "-99999999999999999999", "4294967296"}) {
    r = run_mpt_eval({"tokenize", "--decode", id});
    EXPECT_EQ(r.exit_code, 2) << id;
    EXPECT_NE(r.err.find("token id out of range in --decode"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace mpt::test
