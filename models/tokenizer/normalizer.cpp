#include "models/tokenizer/normalizer.h"

#include <utf8proc.h>

#include <cstdlib>

#include "common/error.h"

namespace mpt::tok {
namespace {

utf8proc_option_t options_of(NormalForm form) {
  int o = UTF8PROC_STABLE;
  switch (form) {
    case NormalForm::NFC: o |= UTF8PROC_COMPOSE; break;
    case NormalForm::NFD: o |= UTF8PROC_DECOMPOSE; break;
    case NormalForm::NFKC: o |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT; break;
    case NormalForm::NFKD: o |= UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT; break;
  }
  return static_cast<utf8proc_option_t>(o);
}

void append_normalized(std::string_view segment, utf8proc_option_t options, std::string& out) {
  utf8proc_uint8_t* result = nullptr;
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(segment.data()),
                                    static_cast<utf8proc_ssize_t>(segment.size()), &result, options);
  if (n < 0) {
    // Only reachable with invalid UTF-8 or out of memory; callers pass repaired text.
    throw runtime_error("Unicode normalization failed", "utf8proc", "valid UTF-8", utf8proc_errmsg(n));
  }
  out.append(reinterpret_cast<const char*>(result), static_cast<size_t>(n));
  std::free(result);
}

bool is_ascii(char c) { return static_cast<unsigned char>(c) < 0x80; }

void normalize_once(std::string_view text, utf8proc_option_t options, std::string& out) {
  out.clear();
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t ascii_end = i;
    while (ascii_end < text.size() && is_ascii(text[ascii_end])) ++ascii_end;
    if (ascii_end == text.size()) {
      out.append(text.substr(i));
      break;
    }
    // text[ascii_end] starts a non-ASCII stretch; the ASCII character just before it goes with it.
    size_t seg_begin = ascii_end > i ? ascii_end - 1 : i;
    out.append(text.substr(i, seg_begin - i));
    size_t seg_end = ascii_end;
    while (seg_end < text.size() && !is_ascii(text[seg_end])) ++seg_end;
    append_normalized(text.substr(seg_begin, seg_end - seg_begin), options, out);
    i = seg_end;
  }
}

}  // namespace

void Normalizer::normalize(std::string_view text, std::string& out) const {
  if (steps_.empty()) {
    out.assign(text);
    return;
  }
  normalize_once(text, options_of(steps_[0]), out);
  std::string tmp;
  for (size_t k = 1; k < steps_.size(); ++k) {
    normalize_once(out, options_of(steps_[k]), tmp);
    out.swap(tmp);
  }
}

}  // namespace mpt::tok
