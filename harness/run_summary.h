// What `mpt-eval run` prints and writes about a finished run: a results table (tasks x metrics
// with standard errors, gauntlet categories, missing tasks, run id, database, cache use, wall
// time) and the same facts as JSON (--out).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "harness/eval_runner.h"

namespace mpt {

// Scores in percentage points with one decimal ("55.0 ± 11.4"), as the reports show them.
std::string format_run_table(const RunOutcome& outcome);

// {"format": "mpt-eval-run", "format_version": 1, "run_id", "db", "resumed", "wall_seconds",
//  "tasks": [{"label", "type", "primary_metric", "num_examples", "selected", "stored_before",
//             "evaluated", "metrics": [{"name", "value", "stderr", "count"}], "verdicts"}],
//  "missing": [{"label", "reason"}], "gauntlet": {"categories": [...], "averages": [...]} | null,
//  "requests": {...counters...}, "isolation"}. Values are fractions, full precision.
nlohmann::json run_outcome_json(const RunOutcome& outcome);

}  // namespace mpt
