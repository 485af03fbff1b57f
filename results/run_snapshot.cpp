#include "results/run_snapshot.h"

#include <filesystem>

namespace mpt::results {

const MetricRecord* TaskSnapshot::primary() const {
  for (const MetricRecord& m : metrics)
    if (m.name == info.spec.primary_metric) return &m;
  return nullptr;
}

const TaskSnapshot* RunSnapshot::find_task(const std::string& label) const {
  for (const TaskSnapshot& t : tasks)
    if (t.info.spec.label == label) return &t;
  return nullptr;
}

std::string RunSnapshot::title() const {
  std::string name = run.spec.label;
  if (name.empty()) {
    std::filesystem::path p(run.spec.model_path);
    name = p.filename().empty() ? p.parent_path().filename().string() : p.filename().string();
  }
  std::string s = "#";
  s += std::to_string(run.id);
  s += " ";
  s += name;
  if (run.spec.training_step) s += " (step " + std::to_string(*run.spec.training_step) + ")";
  return s;
}

RunSnapshot load_snapshot(const Store& store, int64_t run_id) {
  RunSnapshot snap;
  snap.run = get_run(store, run_id);
  snap.source = store.path() + " run " + std::to_string(run_id);
  for (TaskInfo& info : load_tasks(store, run_id)) {
    TaskSnapshot t;
    t.metrics = load_metrics(store, info.id);
    t.examples = load_example_scores(store, info.id);
    t.info = std::move(info);
    snap.tasks.push_back(std::move(t));
  }
  snap.gauntlet = load_gauntlet(store, run_id);
  return snap;
}

}  // namespace mpt::results
