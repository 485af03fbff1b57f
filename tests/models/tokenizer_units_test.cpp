// The tokenizer's parts: UTF-8 repair, decoding, clean-up, the GPT-2 split, loading, threads.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "common/error.h"
#include "common/jsonl.h"
#include "models/tokenizer/byte_level.h"
#include "models/tokenizer/pre_tokenizer.h"
#include "models/tokenizer/token_decoder.h"
#include "models/tokenizer/utf8.h"
#include "tests/models/tokenizer_test_util.h"

namespace mpt::test {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

// Unicode 15 §3.9 Table 3-8 and Rust's String::from_utf8_lossy documentation.
TEST(TokenizerUtf8, LossyReplacesMaximalSubparts) {
  EXPECT_EQ(tok::utf8_lossy("Hello \xF0\x90\x80World"), "Hello " + kFffd + "World");
  EXPECT_EQ(tok::utf8_lossy("\xC0\x80"), kFffd + kFffd);                        // overlong
  EXPECT_EQ(tok::utf8_lossy("\xE0\x80\x80"), kFffd + kFffd + kFffd);            // overlong, 3 bytes
  EXPECT_EQ(tok::utf8_lossy("\xED\xA0\x80"), kFffd + kFffd + kFffd);            // surrogate
  EXPECT_EQ(tok::utf8_lossy("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);  // past U+10FFFF
  EXPECT_EQ(tok::utf8_lossy("\xE2\x82"), kFffd);                                // truncated at the end
  EXPECT_EQ(tok::utf8_lossy("\xE2\x82x"), kFffd + "x");
  EXPECT_EQ(tok::utf8_lossy("\x80\xBF"), kFffd + kFffd);
  EXPECT_EQ(tok::utf8_lossy("a\xFF" "b"), "a" + kFffd + "b");
  EXPECT_EQ(tok::utf8_lossy("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64"),
            "a" + kFffd + kFffd + kFffd + "b" + kFffd + "c" + kFffd + kFffd + "d");  // Table 3-8
  std::string valid = "caf\xC3\xA9 \xF0\x9F\xA4\x96";
  EXPECT_TRUE(tok::is_valid_utf8(valid));
  EXPECT_EQ(tok::utf8_lossy(valid), valid);
  EXPECT_FALSE(tok::is_valid_utf8("\xC3"));
}

TEST(TokenizerByteLevel, AlphabetIsGpt2s) {
  EXPECT_EQ(tok::byte_level_spelling(" the"), "\xC4\xA0the");  // "Ġthe"
  EXPECT_EQ(tok::byte_level_spelling("\n"), "\xC4\x8A");       // "Ċ"
  EXPECT_EQ(tok::byte_to_code_point(0xAD), 0x143u);           // the last remapped byte
  EXPECT_EQ(tok::byte_level_bytes("\xC4\xA0the"), " the");
  EXPECT_EQ(tok::byte_level_bytes("  "), std::nullopt);  // a real space is outside the alphabet
}

TEST(TokenizerDecode, SplitCharactersAndSpecials) {
  const Tokenizer& tok = neox_tokenizer();
  // "Ü" is the byte tokens 127 (0xC3) and 239 (0x9C); alone or swapped they are not UTF-8.
  EXPECT_EQ(tok.decode({127, 239}), "\xC3\x9C");
  EXPECT_EQ(tok.decode({127}), kFffd);
  EXPECT_EQ(tok.decode({239, 127}), kFffd + kFffd);
  EXPECT_EQ(tok.decode({0, 5801, 1}), "hi");
  EXPECT_EQ(tok.decode({0, 5801, 1}, false), "<|endoftext|>hi<|padding|>");
  EXPECT_EQ(tok.decode({50276, 5801}), "  hi");  // an added run of spaces decodes to its own bytes
  EXPECT_EQ(tok.decode({5801, -1, 999999, 50277, 50432}), "hi");  // ids naming no token are skipped
}

TEST(TokenizerDecode, CleanUpTokenizationSpaces) {
  EXPECT_EQ(tok::clean_up_tokenization("Hello , world ! Why ? Yes . I 'm sure it 's we 've they 're don n't"),
            "Hello, world! Why? Yes. I'm sure it's we've they're donn't");
  EXPECT_EQ(tok::clean_up_tokenization("a ' b"), "a'b");
  EXPECT_EQ(tok::clean_up_tokenization("x  ."), "x .");  // one replacement pass per rule, like str.replace
  const Tokenizer& tok = neox_tokenizer();
  Tokens ids = tok.encode("Hello , world !");
  EXPECT_EQ(tok.decode(ids), "Hello , world !");
  EXPECT_EQ(tok.decode(ids, true, true), "Hello, world!");
}

std::vector<std::string> split(const std::string& text) {
  std::vector<tok::Span> spans;
  tok::split_gpt2(text, spans);
  std::vector<std::string> out;
  for (const auto& s : spans) out.push_back(text.substr(s.begin, s.end - s.begin));
  return out;
}

TEST(TokenizerPreTokenizer, Gpt2Split) {
  using V = std::vector<std::string>;
  EXPECT_EQ(split("Hello my friend, how is your day going?"),
            (V{"Hello", " my", " friend", ",", " how", " is", " your", " day", " going", "?"}));
  EXPECT_EQ(split("a  b"), (V{"a", " ", " b"}));
  EXPECT_EQ(split("x\n\ny"), (V{"x", "\n", "\n", "y"}));
  EXPECT_EQ(split("  x"), (V{" ", " x"}));
  EXPECT_EQ(split("x  "), (V{"x", "  "}));
  EXPECT_EQ(split("'s'S 're"), (V{"'s", "'", "S", " '", "re"}));
  EXPECT_EQ(split("don't 123abc"), (V{"don", "'t", " 123", "abc"}));
  EXPECT_EQ(split("\t x"), (V{"\t", " x"}));
  EXPECT_EQ(split("e\xCC\x81!"), (V{"e", "\xCC\x81!"}));               // a mark is neither letter nor number
  EXPECT_EQ(split("\xC2\xA0\xC2\xA0x"), (V{"\xC2\xA0", "\xC2\xA0", "x"}));  // NBSP is \s but not " "
}

TEST(TokenizerLoad, FromModelDirFallsBackToTheBundledFile) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(temp_file("", "")).string() + ".d";
  fs::create_directories(dir);
  EXPECT_EQ(Tokenizer::from_model_dir(dir.string()).content_hash(), neox_tokenizer().content_hash());
  fs::copy_file(std::string(MPTEVAL_TEST_FIXTURES) + "/tokenizer/mini_flags.tokenizer.json", dir / "tokenizer.json");
  Tokenizer mini = Tokenizer::from_model_dir(dir.string());
  EXPECT_EQ(mini.path(), (dir / "tokenizer.json").string());
  EXPECT_NE(mini.content_hash(), neox_tokenizer().content_hash());
  fs::remove_all(dir);
  try {
    Tokenizer::from_model_dir(dir.string());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_NE(std::string(e.what()).find(dir.string()), std::string::npos) << e.what();
  }
}

// Several threads encode at once, sharing one tokenizer (and its word cache) from cold.
TEST(TokenizerThreads, ConcurrentEncodeMatchesGolden) {
  std::string path = std::string(MPTEVAL_TEST_FIXTURES) + "/tokenizer/neox_hf_cases.json";
  nlohmann::json cases = parse_json(read_file(path), path).at("cases");
  Tokenizer tok = Tokenizer::from_file(std::string(MPTEVAL_SOURCE_DIR) + "/data/tokenizer/gpt-neox-20b/tokenizer.json");
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round)
        for (size_t i = 0; i < cases.size(); ++i) {
          const auto& c = cases[(i * (t + 1) + round) % cases.size()];
          if (tok.encode(c.at("text").get<std::string>()) != c.at("ids").get<Tokens>()) ++mismatches[t];
        }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace mpt::test
