// Malformed or unsupported tokenizer.json files fail with an Input error that names the file and
// says what was expected.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/jsonl.h"
#include "tests/models/tokenizer_test_util.h"

namespace mpt::test {
namespace {

// A valid small byte-level BPE file to break one key at a time.
nlohmann::json mini() {
  std::string path = std::string(MPTEVAL_TEST_FIXTURES) + "/tokenizer/mini_flags.tokenizer.json";
  return parse_json(read_file(path), path);
}

// Loads `content` from a temporary file and returns the error message (failing if none).
std::string load_error(const std::string& content) {
  std::string path = temp_file(content);
  try {
    Tokenizer::from_file(path);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << "names the file: " << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error for " << content.substr(0, 200);
  return "";
}

void expect_contains(const std::string& message, const std::vector<std::string>& parts) {
  for (const auto& p : parts) EXPECT_NE(message.find(p), std::string::npos) << "'" << p << "' in: " << message;
}

TEST(TokenizerErrors, NotJsonOrNotATokenizer) {
  expect_contains(load_error("{\"model\": "), {"malformed JSON"});
  expect_contains(load_error("[1, 2]"), {"not a tokenizer.json", "a JSON object"});
  expect_contains(load_error("{}"), {"missing key 'model'"});
}

TEST(TokenizerErrors, MissingVocabOrMerges) {
  nlohmann::json j = mini();
  j["model"].erase("vocab");
  expect_contains(load_error(j.dump()), {"missing key 'model.vocab'"});
  j = mini();
  j["model"].erase("merges");
  expect_contains(load_error(j.dump()), {"missing key 'model.merges'"});
  j = mini();
  j["model"]["vocab"]["a"] = "seven";
  expect_contains(load_error(j.dump()), {"bad token id", "model.vocab"});
}

TEST(TokenizerErrors, MergesNamingUnknownTokens) {
  nlohmann::json j = mini();
  j["model"]["merges"].push_back("qq zz");
  expect_contains(load_error(j.dump()), {"merge part is not in model.vocab", "\"qq\""});
  j = mini();
  j["model"]["merges"].push_back("a");
  expect_contains(load_error(j.dump()), {"malformed merge", "model.merges["});
  j = mini();
  j["model"]["merges"].push_back("x y");  // both parts exist, "xy" does not
  expect_contains(load_error(j.dump()), {"merge result is not in model.vocab", "\"xy\""});
}

TEST(TokenizerErrors, UnsupportedComponents) {
  nlohmann::json j = mini();
  j["model"]["type"] = "WordPiece";
  expect_contains(load_error(j.dump()), {"unsupported model type", "\"BPE\"", "\"WordPiece\""});
  j = mini();
  j["model"]["dropout"] = 0.1;
  expect_contains(load_error(j.dump()), {"unsupported BPE dropout"});
  j = mini();
  j["model"]["continuing_subword_prefix"] = "##";
  expect_contains(load_error(j.dump()), {"unsupported BPE option", "continuing_subword_prefix"});
  j = mini();
  j["normalizer"] = {{"type", "Lowercase"}};
  expect_contains(load_error(j.dump()), {"unsupported normalizer", "\"Lowercase\""});
  j = mini();
  j["pre_tokenizer"] = {{"type", "Whitespace"}};
  expect_contains(load_error(j.dump()), {"unsupported pre_tokenizer", "ByteLevel", "\"Whitespace\""});
  j = mini();
  j["decoder"] = nullptr;
  expect_contains(load_error(j.dump()), {"unsupported decoder", "ByteLevel"});
  j = mini();
  j["version"] = "2.0";
  expect_contains(load_error(j.dump()), {"unsupported tokenizer.json version"});
}

TEST(TokenizerErrors, MissingFile) {
  try {
    Tokenizer::from_file("/nonexistent/tokenizer.json");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    expect_contains(e.what(), {"/nonexistent/tokenizer.json"});
  }
}

}  // namespace
}  // namespace mpt::test
