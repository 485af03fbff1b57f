// Everything reports, compare and check need about one run, in memory: metadata, tasks with their
// aggregated metrics and per-example scores, gauntlet scores. Loaded from the store here, or from a
// JSON export (reports/json_export.h), so that a baseline committed as a file works like a stored run.
#pragma once

#include <cstdint>

#include <string>
#include <vector>

#include "results/records.h"
#include "results/store.h"
#include "results/store_queries.h"

namespace mpt::results {

struct TaskSnapshot {
  TaskInfo info;                      // info.id is 0 when the snapshot came from a file
  std::vector<MetricRecord> metrics;  // by name
  ExampleScores examples;             // per-example scores by index; empty when not available

  // The metric named by info.spec.primary_metric, or nullptr when it was not recorded.
  const MetricRecord* primary() const;
};

struct RunSnapshot {
  RunInfo run;
  std::vector<TaskSnapshot> tasks;       // by label
  std::vector<GauntletRecord> gauntlet;  // by category
  std::string source;                    // where it came from, for messages: "mpt-eval.db run 3", "base.json"

  const TaskSnapshot* find_task(const std::string& label) const;  // nullptr when absent
  // "#3 mpt-7b (step 1000)": id, label (or the checkpoint's directory name), training step.
  std::string title() const;
};

// Loads a run with all its tasks, metrics, per-example scores and gauntlet scores.
// Input error when the run does not exist.
RunSnapshot load_snapshot(const Store& store, int64_t run_id);

}  // namespace mpt::results
