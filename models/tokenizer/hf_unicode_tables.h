// Unicode facts as Hugging Face tokenizers' own engines see them, probed code point by code point
// from tokenizers 0.23.2 (tools/probe_hf_unicode.js; hf_unicode_tables.cpp is generated from it).
// They differ from any one Unicode version, and tokens depend on them:
//   * the pre-tokenizer regex (Oniguruma) knows Unicode 16.0: letter, number, space;
//   * the normalizers (unicode-normalization-alignments) know Unicode 9.0: which characters have a
//     non-zero canonical combining class, and which decompose (canonically, or with compatibility
//     mappings). Marks, decompositions and composites added after 9.0 are plain starters there.
// Using these tables (rather than utf8proc's categories and tables, which follow whatever Unicode
// version the installed library has) keeps the ids identical to HF on every machine. utf8proc still
// supplies the values behind them (class numbers, mappings), which Unicode's stability policy fixes.
#pragma once

#include <cstdint>
#include <span>

namespace mpt::tok::hf {

struct CodePointRange {
  char32_t first;
  char32_t last;  // inclusive
};

// Sorted, disjoint ranges.
std::span<const CodePointRange> letter_ranges();     // \p{L} in the GPT-2 regex
std::span<const CodePointRange> number_ranges();     // \p{N}
std::span<const CodePointRange> space_ranges();      // \s
std::span<const CodePointRange> combining_ranges();  // non-decomposing characters with ccc != 0
std::span<const CodePointRange> canonical_ranges();  // characters NFD changes
std::span<const CodePointRange> compat_ranges();     // characters NFKD changes

bool contains(std::span<const CodePointRange> ranges, char32_t cp);

}  // namespace mpt::tok::hf
