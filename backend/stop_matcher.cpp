#include "backend/stop_matcher.h"

#include <algorithm>

namespace mpt {
namespace {

// Bytes at the end of the previous text that a later decode may rewrite: up to three U+FFFD
// (3 bytes each) stand for an incomplete UTF-8 sequence; 16 covers it with room to spare.
constexpr size_t kUnstableTail = 16;

}  // namespace

size_t find_first_stop(std::string_view text, const std::vector<std::string>& stops) {
  size_t best = std::string_view::npos;
  for (const std::string& s : stops)
    if (!s.empty()) best = std::min(best, text.find(s));
  return best;
}

StopMatcher::StopMatcher(std::vector<std::string> stops) : stops_(std::move(stops)) {
  for (const std::string& s : stops_) longest_ = std::max(longest_, s.size());
}

bool StopMatcher::matches(std::string_view text) {
  if (longest_ == 0) return false;
  // A match found now must end in the new or rewritten bytes, so it starts at most longest_ - 1
  // bytes before them.
  size_t back = kUnstableTail + longest_ - 1;
  size_t from = checked_ > back ? checked_ - back : 0;
  checked_ = text.size();
  if (from >= text.size()) return false;
  return find_first_stop(text.substr(from), stops_) != std::string_view::npos;
}

}  // namespace mpt
