#include "reports/comparison_table.h"

#include <algorithm>
#include <set>

namespace mpt::reports {

const char* run_color(size_t i) {
  // Tableau 10: distinguishable, and readable on white.
  static const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                   "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
  return kPalette[i % std::size(kPalette)];
}

ComparisonTable build_comparison_table(const std::vector<results::RunSnapshot>& runs) {
  ComparisonTable t;
  std::set<std::string> task_labels, categories;
  for (const results::RunSnapshot& r : runs) {
    t.columns.push_back(r.title());
    for (const results::TaskSnapshot& task : r.tasks) task_labels.insert(task.info.spec.label);
    for (const results::GauntletRecord& g : r.gauntlet) categories.insert(g.category);
  }
  for (const std::string& label : task_labels) {
    TableRow row{label, "", {}};
    for (const results::RunSnapshot& r : runs) {
      TableCell cell;
      if (const results::TaskSnapshot* task = r.find_task(label)) {
        if (row.metric.empty()) row.metric = task->info.spec.primary_metric;
        if (const results::MetricRecord* m = task->primary()) {
          cell.value = m->value;
          cell.std_error = m->std_error;
          cell.count = m->count;
        }
        cell.partial = task->info.stored_examples < task->info.spec.num_examples;
      }
      row.cells.push_back(cell);
    }
    t.tasks.push_back(std::move(row));
  }
  std::vector<std::string> ordered(categories.begin(), categories.end());
  std::stable_partition(ordered.begin(), ordered.end(), [](const std::string& c) { return c != "average"; });
  for (const std::string& category : ordered) {
    TableRow row{category, "gauntlet score", {}};
    for (const results::RunSnapshot& r : runs) {
      TableCell cell;
      for (const results::GauntletRecord& g : r.gauntlet)
        if (g.category == category) cell.value = g.score, cell.partial = g.partial;
      row.cells.push_back(cell);
    }
    t.categories.push_back(std::move(row));
  }
  return t;
}

}  // namespace mpt::reports
