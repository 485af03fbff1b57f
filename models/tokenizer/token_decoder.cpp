#include "models/tokenizer/token_decoder.h"

#include <string_view>

#include "models/tokenizer/byte_level.h"
#include "models/tokenizer/utf8.h"

namespace mpt::tok {
namespace {

// Python's str.replace: every non-overlapping occurrence, left to right.
std::string replace_all(const std::string& s, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (true) {
    size_t hit = s.find(from, pos);
    if (hit == std::string::npos) break;
    out.append(s, pos, hit - pos);
    out.append(to);
    pos = hit + from.size();
  }
  out.append(s, pos, std::string::npos);
  return out;
}

}  // namespace

void TokenDecoder::set(TokenId id, const std::string& spelling, bool special) {
  if (id < 0) return;
  if (static_cast<size_t>(id) >= entries_.size()) entries_.resize(static_cast<size_t>(id) + 1);
  Entry& e = entries_[static_cast<size_t>(id)];
  auto bytes = byte_level_bytes(spelling);
  e.bytes = bytes ? std::move(*bytes) : spelling;
  e.present = true;
  e.special = special;
}

std::string TokenDecoder::decode(const Tokens& ids, bool skip_special_tokens,
                                 bool clean_up_tokenization_spaces) const {
  std::string bytes;
  for (TokenId id : ids) {
    if (id < 0 || static_cast<size_t>(id) >= entries_.size()) continue;
    const Entry& e = entries_[static_cast<size_t>(id)];
    if (!e.present || (skip_special_tokens && e.special)) continue;
    bytes += e.bytes;
  }
  std::string text = is_valid_utf8(bytes) ? std::move(bytes) : utf8_lossy(bytes);
  return clean_up_tokenization_spaces ? clean_up_tokenization(std::move(text)) : text;
}

std::string clean_up_tokenization(std::string text) {
  static constexpr std::pair<std::string_view, std::string_view> kRules[] = {
      {" .", "."},     {" ?", "?"},     {" !", "!"},     {" ,", ","},     {" ' ", "'"},
      {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"},
  };
  for (const auto& [from, to] : kRules) text = replace_all(text, from, to);
  return text;
}

}  // namespace mpt::tok
