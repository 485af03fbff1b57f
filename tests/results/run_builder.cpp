#include "tests/results/run_builder.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "results/records.h"

namespace mpt::test {

results::RunSpec make_spec(const std::string& label, const std::string& model_hash, std::optional<int64_t> step) {
  results::RunSpec s;
  s.label = label;
  s.model_path = "/models/" + label;
  s.model_hash = model_hash;
  s.tokenizer_hash = "tokenizer-hash";
  s.task_config = "tasks: constructed";
  s.device = "cpu";
  s.device_class = "cpu";
  s.dtype = "float32";
  s.training_step = step;
  return s;
}

int64_t add_run(results::Store& store, const RunData& run) {
  int64_t id = store.create_run(make_spec(run.label, run.model_hash, run.step)).run_id;
  for (const TaskData& t : run.tasks) {
    results::TaskSpec spec{t.label, "multiple_choice", t.metric, t.data_hash, nlohmann::json::object(),
                           static_cast<int64_t>(t.scores.size())};
    int64_t task = store.register_task(id, spec);
    std::vector<results::ExampleRecord> rows;
    double sum = 0.0;
    for (size_t i = 0; i < t.scores.size(); ++i) {
      rows.push_back({static_cast<int64_t>(i), "prompt-" + std::to_string(i), t.scores[i],
                      {{"answer", t.scores[i] > 0.5 ? "right" : "wrong"}}, {{t.metric, t.scores[i]}}});
      sum += t.scores[i];
    }
    store.record_examples(task, rows);
    double n = static_cast<double>(t.scores.size());
    double mean = sum / n, ss = 0.0;
    for (double s : t.scores) ss += (s - mean) * (s - mean);
    results::MetricRecord m{t.metric, mean, std::sqrt(ss / (n - 1) / n), static_cast<int64_t>(t.scores.size())};
    store.record_metrics(task, std::span<const results::MetricRecord>(&m, 1));
  }
  store.record_gauntlet(id, run.gauntlet);
  if (run.complete) store.finish_run(id);
  return id;
}

std::vector<double> scores_with(int n, int correct) {
  std::vector<double> s(static_cast<size_t>(n), 0.0);
  for (int k = 0; k < correct; ++k) s[static_cast<size_t>(static_cast<int64_t>(k) * n / correct)] = 1.0;
  return s;
}

namespace {

// One root per test process, removed at exit unless MPTEVAL_KEEP_TEST_FILES is set.
const std::string& temp_root() {
  // Never destroyed: the exit handler below runs after static destructors would have.
  static const std::string& root = *new std::string([] {
    std::string tmpl = "/tmp/mpteval_test_XXXXXX";
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    if (!std::getenv("MPTEVAL_KEEP_TEST_FILES"))
      std::atexit([] {
        std::error_code ec;
        std::filesystem::remove_all(temp_root(), ec);
      });
    return tmpl;
  }());
  return root;
}

}  // namespace

std::string temp_dir(const std::string& prefix) {
  std::string tmpl = temp_root() + "/" + prefix + "_XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

}  // namespace mpt::test
