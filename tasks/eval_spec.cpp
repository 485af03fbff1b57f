#include "tasks/eval_spec.h"

namespace mpt {

std::string benchmark_key(const std::string& label, int64_t num_fewshot) {
  return label + "/" + std::to_string(num_fewshot) + "-shot";
}

std::string EvalSpec::benchmark_key() const { return mpt::benchmark_key(task->label, num_fewshot); }

std::vector<EvalSpec> expand_evaluations(std::shared_ptr<const TaskConfig> task, std::shared_ptr<const Dataset> dataset) {
  std::vector<EvalSpec> out;
  for (int64_t k : task->num_fewshot) {
    EvalSpec base;
    base.task = task;
    base.num_fewshot = k;
    base.dataset = dataset;
    base.label = benchmark_key(task->label, k);
    if (!task->has_categories) {
      for (size_t r = 0; r < dataset->size(); ++r) base.rows.push_back(static_cast<int64_t>(r));
      out.push_back(std::move(base));
      continue;
    }
    for (const std::string& cat : dataset->category_names()) {
      EvalSpec e = base;
      e.label += "/" + cat;
      e.category = cat;
      for (size_t r = 0; r < dataset->size(); ++r)
        if (dataset->categories[r] == cat) e.rows.push_back(static_cast<int64_t>(r));
      out.push_back(std::move(e));
    }
  }
  return out;
}

bool label_matches(const std::string& label, const std::string& selector) {
  return label == selector || (label.size() > selector.size() && label.compare(0, selector.size(), selector) == 0 &&
                               label[selector.size()] == '/');
}

bool selects(const EvalSpec& spec, const std::string& selector) {
  return label_matches(spec.label, selector) || (spec.category && selector == spec.task->label + "/" + *spec.category);
}

}  // namespace mpt
