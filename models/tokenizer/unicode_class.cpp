#include "models/tokenizer/unicode_class.h"

#include <utf8proc.h>

#include <vector>

#include "models/tokenizer/hf_unicode_tables.h"

namespace mpt::tok {

namespace {

CharClass classify_slow(char32_t cp) {
  if (hf::contains(hf::letter_ranges(), cp)) return CharClass::Letter;
  if (hf::contains(hf::number_ranges(), cp)) return CharClass::Number;
  if (hf::contains(hf::space_ranges(), cp)) return CharClass::Space;
  return CharClass::Other;
}

// The first 64K code points cover nearly all text; a table spares the binary searches.
const std::vector<CharClass>& bmp_table() {
  static const auto table = [] {
    std::vector<CharClass> t(0x10000);
    for (char32_t cp = 0; cp < 0x10000; ++cp) t[cp] = classify_slow(cp);
    return t;
  }();
  return table;
}

}  // namespace

CharClass char_class(char32_t cp) {
  if (cp < 0x10000) return bmp_table()[cp];
  return classify_slow(cp);
}

bool is_word_char(char32_t cp) {
  if (cp == 0x200C || cp == 0x200D) return true;  // Join_Control
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_PC: return true;
    default: return false;
  }
}

}  // namespace mpt::tok
