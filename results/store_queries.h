// Read-only queries over the store, for reports, compare and check (the runner's reads are on
// Store itself). Results come in a stable order: runs by (training step, id) unless ids are given,
// tasks by label, metrics by name, gauntlet scores by category.
#pragma once

#include <cstdint>

#include <optional>
#include <string>
#include <vector>

#include "results/records.h"
#include "results/store.h"

namespace mpt::results {

struct RunSelection {
  std::vector<int64_t> ids;          // exactly these runs, in this order (any status)
  std::vector<std::string> labels;   // completed runs carrying one of these labels
};

// The run, or an Input error "no run <id> in <db>".
RunInfo get_run(const Store& store, int64_t run_id);
std::optional<RunInfo> find_run(const Store& store, int64_t run_id);
// ids given: those runs (Input error for an unknown id); else labels given: completed runs with
// those labels (Input error when none matches); else every completed run. Order: see above.
std::vector<RunInfo> list_runs(const Store& store, const RunSelection& selection);
// The newest completed run with this label (by end time, then id), if any.
std::optional<RunInfo> latest_completed_run(const Store& store, const std::string& label);
// The newest completed run with this identity hash (records.h: run_identity_hash), if any.
std::optional<RunInfo> completed_run_with_identity(const Store& store, const std::string& identity_hash);

std::vector<TaskInfo> load_tasks(const Store& store, int64_t run_id);
std::vector<MetricRecord> load_metrics(const Store& store, int64_t task_id);
std::vector<GauntletRecord> load_gauntlet(const Store& store, int64_t run_id);
std::vector<CodeSampleRecord> load_code_samples(const Store& store, int64_t task_id);

// Per-example scores only (no response JSON), by index: what paired statistics need.
struct ExampleScores {
  std::vector<int64_t> index;
  std::vector<double> score;
};
ExampleScores load_example_scores(const Store& store, int64_t task_id);

}  // namespace mpt::results
