// The comparison table every report format shows (like the MPT-30B release's tables): rows are
// tasks (their primary metric) and gauntlet categories, columns are runs, cells hold the value and
// its standard error. Built once from the snapshots, rendered by CSV, Markdown and HTML.
#pragma once

#include <cstdint>

#include <optional>
#include <string>
#include <vector>

#include "results/run_snapshot.h"

namespace mpt::reports {

struct TableCell {
  std::optional<double> value;      // fraction; absent when the run lacks the task or metric
  std::optional<double> std_error;
  std::optional<int64_t> count;     // examples aggregated (tasks only)
  bool partial = false;             // task: fewer stored examples than the task has; category: gauntlet's partial flag
};

struct TableRow {
  std::string name;    // task label or gauntlet category
  std::string metric;  // primary metric name ("gauntlet score" for categories)
  std::vector<TableCell> cells;  // one per run, in column order
};

struct ComparisonTable {
  std::vector<std::string> columns;  // run titles ("#3 mpt-7b (step 1000)")
  std::vector<TableRow> tasks;       // sorted by label
  std::vector<TableRow> categories;  // sorted by name, "average" last
};

ComparisonTable build_comparison_table(const std::vector<results::RunSnapshot>& runs);

// A stable, distinct colour for column i (charts and table swatches), as "#rrggbb".
const char* run_color(size_t i);

}  // namespace mpt::reports
