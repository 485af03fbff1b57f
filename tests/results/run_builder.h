// Builds constructed runs in a store for tests: tasks with given per-example scores, their
// aggregated primary metric (mean and binomial/sample standard error), gauntlet scores.
#pragma once

#include <cstdint>

#include <optional>
#include <string>
#include <vector>

#include "results/store.h"

namespace mpt::test {

struct TaskData {
  std::string label;
  std::vector<double> scores;  // per example, index = position
  std::string data_hash = "data-hash";
  std::string metric = "accuracy";
};

struct RunData {
  std::string label;
  std::optional<int64_t> step;
  std::string model_hash = "model-hash";
  std::vector<TaskData> tasks;
  std::vector<results::GauntletRecord> gauntlet;
  bool complete = true;  // finish_run at the end
};

// A RunSpec with every identity field filled (model hash as given).
results::RunSpec make_spec(const std::string& label, const std::string& model_hash,
                           std::optional<int64_t> step = std::nullopt);

// Writes the run through the store API (create_run, register_task, record_examples,
// record_metrics, record_gauntlet, finish_run) and returns its id.
int64_t add_run(results::Store& store, const RunData& run);

// Scores with `correct` ones among `n`, spread evenly (deterministic).
std::vector<double> scores_with(int n, int correct);

// A fresh temporary directory under this test process's root in /tmp, which is removed when the
// process exits (set MPTEVAL_KEEP_TEST_FILES=1 to keep it for inspection).
std::string temp_dir(const std::string& prefix);

}  // namespace mpt::test
