#include "tests/models/tokenizer_fuzz.h"

#include <chrono>
#include <cstdio>

#include "models/tokenizer/utf8.h"
#include "tests/models/tokenizer_test_util.h"

namespace mpt::test {
namespace {

using namespace std::string_view_literals;

const std::string_view kPieces[] = {
    "<|endoftext|>"sv, "<|padding|>"sv, "<|endoftext"sv, "<|"sv, "|>"sv, "'s"sv, "'t"sv, "'re"sv, "'ll"sv, "'"sv, " "sv, "  "sv, "     "sv,
    "\t"sv, "\n"sv, "\r\n"sv, "\xc2\xa0"sv, "\xe3\x80\x80"sv, "\xe2\x80\xa8"sv, "\xc2\x85"sv, "a"sv, "Z"sv, "hello"sv, " world"sv, "1"sv, "42"sv,
    "\xd9\xa3"sv, "\xc2\xbd"sv, "\xcc\x81"sv, "\xcc\x96"sv, "\xcd\x85"sv, "e\xcc\x81"sv, "\xc3\xa9"sv, "\xe2\x84\xab"sv, "\xef\xac\x81"sv,
    "\xea\xb0\x80"sv, "\xe1\x84\x80"sv, "\xe1\x85\xa1"sv, "\xe6\x97\xa5"sv, "\xf0\x9f\xa4\x96"sv, "\xe2\x80\x8d"sv, "\xef\xbf\xbd"sv,
    "!"sv, "..."sv, "__"sv, "("sv, ")"sv, "\\"sv, "\""sv, "\x00"sv, "\x7f"sv, "\xe0\xa5\x8d"sv, "\xe1\xab\x8e"sv, "\xf0\x91\xa4\xb5"sv,
};

// Breaks UTF-8 on purpose: truncated sequences, stray continuation bytes, overlongs, surrogates,
// code points past U+10FFFF, bytes that never occur.
const std::string_view kBroken[] = {"\x80"sv, "\xbf"sv, "\xc0\x80"sv, "\xc1\xbf"sv, "\xe0\x80\x80"sv, "\xed\xa0\x80"sv, "\xf4\x90\x80\x80"sv,
                               "\xf5"sv, "\xff"sv, "\xc3"sv, "\xe2\x82"sv, "\xf0\x9f\xa4"sv, "\xf0\x9f"sv};

std::string escaped(const std::string& s) {
  std::string out;
  for (unsigned char c : s.substr(0, 200)) {
    char buf[8];
    if (c >= 0x20 && c < 0x7f && c != '\\') out += static_cast<char>(c);
    else {
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out + (s.size() > 200 ? "..." : "");
}

char32_t random_scalar(std::mt19937_64& rng) {
  while (true) {
    auto cp = static_cast<char32_t>(rng() % 0x110000);
    if (cp < 0xD800 || cp > 0xDFFF) return cp;
  }
}

}  // namespace

std::string random_tokenizer_input(std::mt19937_64& rng, size_t max_len) {
  std::string s;
  size_t len = rng() % (max_len + 1);
  switch (rng() % 6) {
    case 0:  // arbitrary bytes
      while (s.size() < len) s += static_cast<char>(rng());
      break;
    case 1:  // arbitrary code points
      while (s.size() < len) tok::append_utf8(s, random_scalar(rng));
      break;
    case 2:  // token-like pieces
      while (s.size() < len) s += kPieces[rng() % std::size(kPieces)];
      break;
    case 3:  // pieces with broken UTF-8 mixed in
      while (s.size() < len) s += (rng() % 4 == 0) ? kBroken[rng() % std::size(kBroken)] : kPieces[rng() % std::size(kPieces)];
      break;
    case 4: {  // ASCII text
      static const char kAlphabet[] = "abcdefghij ABC  012.,'!?\n\t-_()";
      while (s.size() < len) s += kAlphabet[rng() % (sizeof kAlphabet - 1)];
      break;
    }
    default: {  // one piece repeated (long runs)
      std::string_view piece = kPieces[rng() % std::size(kPieces)];
      while (s.size() < len) s += piece;
      break;
    }
  }
  return s;
}

FuzzReport fuzz_tokenizer(const Tokenizer& tok, uint64_t seed, size_t max_cases, double max_seconds,
                          size_t max_len) {
  FuzzReport report;
  std::mt19937_64 rng(seed);
  auto start = std::chrono::steady_clock::now();
  auto fail = [&](const std::string& input, const std::string& why) {
    if (report.failures.size() < 20) report.failures.push_back(why + " for input \"" + escaped(input) + "\"");
  };
  while (report.cases < max_cases &&
         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < max_seconds) {
    std::string input = random_tokenizer_input(rng, max_len);
    ++report.cases;
    report.bytes += input.size();
    Tokens ids = tok.encode(input);
    for (TokenId id : ids)
      if (id < 0 || id >= tok.vocab_size()) fail(input, "id " + std::to_string(id) + " out of range");
    if (tok.encode(input) != ids) fail(input, "second encode differs");
    if (tok.decode(ids, false) != expected_neox_decoding(input, false)) fail(input, "decode(encode(x), false) mismatch");
    if (tok.decode(ids, true) != expected_neox_decoding(input, true)) fail(input, "decode(encode(x), true) mismatch");
  }
  return report;
}

}  // namespace mpt::test
