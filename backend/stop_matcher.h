// Stop strings during generation: finding the earliest stop string in the decoded text of a
// sequence that grows by one token at a time, without rescanning the whole text every step.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mpt {

// Position of the earliest occurrence of any of `stops` in `text` (empty stops never match), or
// std::string_view::npos. When two stops occur, the one starting first wins.
size_t find_first_stop(std::string_view text, const std::vector<std::string>& stops);

class StopMatcher {
 public:
  explicit StopMatcher(std::vector<std::string> stops);

  // True when `text` contains a stop string. `text` is the decoded text of everything generated so
  // far: each call's text extends the previous one's, except that its last few bytes may change (a
  // token that completes a UTF-8 character replaces the U+FFFD shown for its partial bytes). Only
  // the part that could hold a new match is searched, so a whole generation costs O(length).
  bool matches(std::string_view text);

  const std::vector<std::string>& stops() const { return stops_; }

 private:
  std::vector<std::string> stops_;
  size_t longest_ = 0;  // longest stop string, in bytes
  size_t checked_ = 0;  // text length at the previous call
};

}  // namespace mpt
