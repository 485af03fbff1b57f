#include "models/tokenizer/normalizer.h"

#include <utf8proc.h>

#include <algorithm>
#include <vector>

#include "common/error.h"
#include "models/tokenizer/hf_unicode_tables.h"
#include "models/tokenizer/utf8.h"

namespace mpt::tok {
namespace {

// What HF's normalizer knows about each code point (hf_unicode_tables.h), one byte per code point.
enum Flag : uint8_t {
  kCanonical = 1,  // decomposes under NFD
  kCompat = 2,     // decomposes under NFKD
  kCombining = 4,  // non-zero canonical combining class
  kSecond = 8,     // may be the second character of a canonical composition
};

utf8proc_option_t decompose_options(bool compat) {
  return static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | (compat ? UTF8PROC_COMPAT : 0));
}

[[noreturn]] void fail(utf8proc_ssize_t code) {
  throw runtime_error("Unicode normalization failed", "utf8proc", "a Unicode scalar value", utf8proc_errmsg(code));
}

// The full decomposition of cp, appended to out.
void append_decomposition(utf8proc_int32_t cp, bool compat, std::vector<utf8proc_int32_t>& out) {
  size_t at = out.size();
  utf8proc_ssize_t room = 8;
  while (true) {
    out.resize(at + static_cast<size_t>(room));
    utf8proc_ssize_t n = utf8proc_decompose_char(cp, out.data() + at, room, decompose_options(compat), nullptr);
    if (n < 0) fail(n);
    if (n <= room) {
      out.resize(at + static_cast<size_t>(n));
      return;
    }
    room = n;
  }
}

const std::vector<uint8_t>& flags() {
  static const auto table = [] {
    std::vector<uint8_t> f(0x110000, 0);
    auto mark = [&](std::span<const hf::CodePointRange> ranges, uint8_t bit) {
      for (const auto& r : ranges)
        for (char32_t cp = r.first; cp <= r.last; ++cp) f[cp] |= bit;
    };
    mark(hf::canonical_ranges(), kCanonical);
    mark(hf::compat_ranges(), kCompat);
    mark(hf::combining_ranges(), kCombining);
    // The second character of a canonical pair never decomposes (a Unicode invariant), so it is
    // the last character of the full decomposition of the composite.
    std::vector<utf8proc_int32_t> d;
    for (const auto& r : hf::canonical_ranges())
      for (char32_t cp = r.first; cp <= r.last; ++cp) {
        d.clear();
        append_decomposition(static_cast<utf8proc_int32_t>(cp), false, d);
        if (d.size() >= 2) f[static_cast<size_t>(d.back())] |= kSecond;
      }
    return f;
  }();
  return table;
}

int combining_class(utf8proc_int32_t cp, const std::vector<uint8_t>& f) {
  return (f[static_cast<size_t>(cp)] & kCombining) ? utf8proc_get_property(cp)->combining_class : 0;
}

// The primary composite of (a, b), or 0. utf8proc composes the adjacent pair (Hangul included,
// composition exclusions respected); composites HF does not know are refused.
utf8proc_int32_t compose_pair(utf8proc_int32_t a, utf8proc_int32_t b, const std::vector<uint8_t>& f) {
  utf8proc_int32_t buf[3] = {a, b, 0};
  auto options = static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_STABLE);
  if (utf8proc_normalize_utf32(buf, 2, options) != 1) return 0;
  return (f[static_cast<size_t>(buf[0])] & kCanonical) ? buf[0] : 0;
}

// Canonical ordering: each run of non-starters stably sorted by combining class (a real sort;
// utf8proc's own whole-string functions swap pairwise, quadratic in the run length).
void canonical_order(std::vector<utf8proc_int32_t>& cps, const std::vector<uint8_t>& f) {
  auto by_class = [&](utf8proc_int32_t a, utf8proc_int32_t b) { return combining_class(a, f) < combining_class(b, f); };
  size_t i = 0;
  while (i < cps.size()) {
    size_t j = i;
    while (j < cps.size() && combining_class(cps[j], f) != 0) ++j;
    if (j - i > 1) std::stable_sort(cps.begin() + i, cps.begin() + j, by_class);
    i = j + 1;
  }
}

// Canonical composition (UAX #15): a character joins the last starter unless something between them
// has class 0 or a class not below its own.
void canonical_compose(std::vector<utf8proc_int32_t>& cps, const std::vector<uint8_t>& f) {
  size_t out = 0;
  long starter = -1;
  int between = -1;  // class of the last character kept after the starter; -1: none
  for (utf8proc_int32_t c : cps) {
    int cc = combining_class(c, f);
    if (starter >= 0 && (f[static_cast<size_t>(c)] & kSecond) && (between == -1 || (between != 0 && between < cc))) {
      if (utf8proc_int32_t composite = compose_pair(cps[static_cast<size_t>(starter)], c, f)) {
        cps[static_cast<size_t>(starter)] = composite;
        continue;
      }
    }
    if (cc == 0) {
      starter = static_cast<long>(out);
      between = -1;
    } else {
      between = cc;
    }
    cps[out++] = c;
  }
  cps.resize(out);
}

struct Form {
  bool compat;
  bool compose;
  uint8_t active;  // flags that make a character take part; a stretch without them is unchanged
};

Form form_of(NormalForm nf) {
  bool compat = nf == NormalForm::NFKC || nf == NormalForm::NFKD;
  bool compose = nf == NormalForm::NFC || nf == NormalForm::NFKC;
  uint8_t active = static_cast<uint8_t>((compat ? kCompat : kCanonical) | kCombining | (compose ? kSecond : 0));
  return {compat, compose, active};
}

void append_normalized(std::string_view segment, const Form& form, std::string& out) {
  const std::vector<uint8_t>& f = flags();
  thread_local std::vector<utf8proc_int32_t> cps;
  cps.clear();
  bool active = false;
  size_t i = 0;
  while (i < segment.size()) {
    auto cp = static_cast<utf8proc_int32_t>(next_code_point(segment, i));
    cps.push_back(cp);
    active = active || (f[static_cast<size_t>(cp)] & form.active);
  }
  if (!active) {
    out.append(segment);
    return;
  }
  std::vector<utf8proc_int32_t> decomposed;
  decomposed.reserve(cps.size() + 8);
  uint8_t decomposes = form.compat ? kCompat : kCanonical;
  for (utf8proc_int32_t cp : cps) {
    if (f[static_cast<size_t>(cp)] & decomposes) append_decomposition(cp, form.compat, decomposed);
    else decomposed.push_back(cp);
  }
  canonical_order(decomposed, f);
  if (form.compose) canonical_compose(decomposed, f);
  for (utf8proc_int32_t cp : decomposed) append_utf8(out, static_cast<char32_t>(cp));
}

bool is_ascii(char c) { return static_cast<unsigned char>(c) < 0x80; }

void normalize_once(std::string_view text, const Form& form, std::string& out) {
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
    append_normalized(text.substr(seg_begin, seg_end - seg_begin), form, out);
    i = seg_end;
  }
}

}  // namespace

void Normalizer::normalize(std::string_view text, std::string& out) const {
  if (steps_.empty()) {
    out.assign(text);
    return;
  }
  normalize_once(text, form_of(steps_[0]), out);
  std::string tmp;
  for (size_t k = 1; k < steps_.size(); ++k) {
    normalize_once(out, form_of(steps_[k]), tmp);
    out.swap(tmp);
  }
}

}  // namespace mpt::tok
