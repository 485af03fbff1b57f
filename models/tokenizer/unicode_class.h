// Unicode character classes as the regex engines behind Hugging Face tokenizers see them:
//   Letter  \p{L}  = Lu Ll Lt Lm Lo   (Unicode 16.0, as HF's Oniguruma; hf_unicode_tables.h)
//   Number  \p{N}  = Nd Nl No
//   Space   \s     = U+0009..U+000D, U+0085 and Zs Zl Zp (Oniguruma's \s, which is also exactly
//                    Rust regex's \s = White_Space)
//   Other          everything else (punctuation, symbols, marks, controls, unassigned)
#pragma once

#include <cstdint>

namespace mpt::tok {

enum class CharClass : uint8_t { Other, Letter, Number, Space };

CharClass char_class(char32_t cp);

// Rust regex's \w (Alphabetic, M, Nd, Pc, Join_Control), used by single_word added tokens.
// Approximation: Alphabetic is taken as L + Nl + M, which leaves out the few Other_Alphabetic
// symbols of category So (e.g. circled letters U+24B6..U+24E9).
bool is_word_char(char32_t cp);

}  // namespace mpt::tok
