// Shared helpers of the tokenizer tests.
#pragma once

#include <string>

#include "models/tokenizer/tokenizer.h"

namespace mpt::test {

// The project's bundled GPT-NeoX-20B tokenizer (data/tokenizer/gpt-neox-20b/tokenizer.json),
// loaded once per test binary.
const Tokenizer& neox_tokenizer();

// The NFC form of valid UTF-8 `s`, computed by utf8proc on the whole string at once (the
// tokenizer normalizes piece by piece with an ASCII fast path; this is the plain reference).
std::string nfc(const std::string& s);

// Writes `content` to a fresh temporary file and returns its path (removed at process exit).
std::string temp_file(const std::string& content, const std::string& suffix = ".json");

}  // namespace mpt::test
