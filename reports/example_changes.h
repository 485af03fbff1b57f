// What changed between two stored runs example by example: for each task both evaluated, the
// examples whose score differs, with both responses, for the HTML report's per-example view.
#pragma once

#include <cstdint>

#include <string>
#include <vector>

#include "results/run_snapshot.h"
#include "results/store.h"

namespace mpt::reports {

struct ExampleChange {
  int64_t index = 0;
  std::string prompt_hash;
  double score_a = 0.0, score_b = 0.0;
  std::string response_a, response_b;  // compact JSON, cut to a readable excerpt
};

struct TaskChanges {
  std::string label;
  int64_t paired = 0;    // examples both runs stored
  int64_t better = 0;    // score higher in B
  int64_t worse = 0;     // score lower in B
  std::vector<ExampleChange> shown;  // the first `max_per_task` changes by index
};

struct RunDiff {
  std::string title_a, title_b;
  std::vector<TaskChanges> tasks;  // tasks in both runs with the same data file, by label
};

// Both snapshots must come from `store` (their tasks' ids are used to read responses).
RunDiff load_run_diff(const results::Store& store, const results::RunSnapshot& a, const results::RunSnapshot& b,
                      size_t max_per_task);

}  // namespace mpt::reports
