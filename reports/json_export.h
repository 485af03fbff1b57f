// The JSON export (`mpt-eval report --format json`) and reading it back, so that a baseline can
// be a file committed to a repository (`mpt-eval check --baseline baseline.json`).
//
// Document (format_version 1; fields documented in docs/results.md):
//   {"format": "mpt-eval-results", "format_version": 1, "generated_by": "mpt-eval 0.1.0 (git ...)",
//    "runs": [{"id", "label", "status", "model_path", "model_hash", "tokenizer_hash", "identity_hash",
//              "task_config", "task_config_hash", "gauntlet_config", "gauntlet_config_hash",
//              "harness_version", "git_revision", "device", "device_class", "dtype", "world_size",
//              "training_step", "started_at", "ended_at",
//              "tasks": [{"label", "type", "primary_metric", "data_hash", "num_examples", "settings",
//                         "metrics": [{"name", "value", "stderr", "count"}],
//                         "examples": {"index": [...], "score": [...]}}],
//              "gauntlet": [{"category", "score", "partial"}]}]}
// Values are fractions as stored (0.794), not points. "examples" carries the per-example scores
// that make paired tests possible against a file baseline; a file without it still works (z test).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "results/run_snapshot.h"

namespace mpt::reports {

nlohmann::json run_to_json(const results::RunSnapshot& run);
std::string export_json(const std::vector<results::RunSnapshot>& runs);

// Parses an export. Input errors name `where` and the offending key, e.g.
// "missing key 'label' (base.json: runs[0].tasks[3])".
std::vector<results::RunSnapshot> parse_export(const std::string& text, const std::string& where);
// Reads a file holding exactly one run (export it with `report --runs ID --format json`).
results::RunSnapshot read_single_run_file(const std::string& path);

}  // namespace mpt::reports
