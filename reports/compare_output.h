// Renderings of a RunComparison for `mpt-eval compare`: an aligned text table with the flipped
// examples, Markdown, or JSON (every number, every flip) for scripts.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "reports/comparison.h"

namespace mpt::reports {

// `max_flips`: flipped example indices listed per task and direction (the counts are always complete).
std::string render_compare_text(const RunComparison& c, const CompareOptions& o, size_t max_flips);
std::string render_compare_markdown(const RunComparison& c, const CompareOptions& o, size_t max_flips);
nlohmann::json compare_to_json(const RunComparison& c, const CompareOptions& o);

}  // namespace mpt::reports
