// Shared helpers of the tokenizer tests.
#pragma once

#include <string>

#include "models/tokenizer/tokenizer.h"

namespace mpt::test {

// The project's bundled GPT-NeoX-20B tokenizer (data/tokenizer/gpt-neox-20b/tokenizer.json),
// loaded once per test binary.
const Tokenizer& neox_tokenizer();

// The NFC form of valid UTF-8 `s`, computed by utf8proc on the whole string at once (the
// tokenizer normalizes piece by piece with an ASCII fast path and its own composition; this is the
// plain reference).
std::string nfc(const std::string& s);

// True when HF's normalizer (Unicode 9.0) and utf8proc agree on every character of valid UTF-8 `s`:
// no combining mark or decomposition added after Unicode 9.0. Where they disagree, nfc() is not
// HF's NFC and tests compare against the tokenizer's own normalizer instead.
bool hf_nfc_agrees_with_utf8proc(const std::string& s);

// What decode(encode(text), skip_special_tokens) must give for GPT-NeoX, from first principles:
// repair invalid UTF-8 as String::from_utf8_lossy, cut out "<|endoftext|>" / "<|padding|>"
// (kept or dropped), and NFC every other piece (nfc() where it is HF's NFC).
std::string expected_neox_decoding(const std::string& text, bool skip_special_tokens);

// Writes `content` to a fresh temporary file and returns its path (removed at process exit).
std::string temp_file(const std::string& content, const std::string& suffix = ".json");

}  // namespace mpt::test
