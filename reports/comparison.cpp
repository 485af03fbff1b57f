#include "reports/comparison.h"

#include <cmath>

namespace mpt::reports {
namespace {

bool is_binary(double x) { return x == 0.0 || x == 1.0; }

// Walks the two index-sorted score lists and collects the pairs present in both.
struct Pairs {
  std::vector<int64_t> index;
  std::vector<double> a, b;
};

Pairs pair_up(const results::ExampleScores& a, const results::ExampleScores& b) {
  Pairs p;
  size_t i = 0, j = 0;
  while (i < a.index.size() && j < b.index.size()) {
    if (a.index[i] < b.index[j]) {
      ++i;
    } else if (b.index[j] < a.index[i]) {
      ++j;
    } else {
      p.index.push_back(a.index[i]);
      p.a.push_back(a.score[i++]);
      p.b.push_back(b.score[j++]);
    }
  }
  return p;
}

void paired_test(TaskComparison& c, const Pairs& p, const CompareOptions& o) {
  std::vector<double> diffs(p.index.size());
  bool binary = true;
  for (size_t k = 0; k < diffs.size(); ++k) {
    diffs[k] = p.b[k] - p.a[k];
    binary = binary && is_binary(p.a[k]) && is_binary(p.b[k]);
    if (p.a[k] != p.b[k]) {
      c.flips.push_back({p.index[k], p.a[k], p.b[k]});
      if (p.a[k] > p.b[k]) ++c.a_only_right; else ++c.b_only_right;
    }
  }
  c.paired = static_cast<int64_t>(diffs.size());
  if (binary) {
    c.test = TestKind::McNemar;
    c.p_value = mcnemar_exact_p(c.a_only_right, c.b_only_right);
  } else {
    c.test = TestKind::SignFlip;
    c.p_value = sign_flip_p(diffs, o.resamples, o.seed);
  }
  c.ci = paired_bootstrap_ci(diffs, o.resamples, 1.0 - o.alpha, o.seed);
}

void z_test(TaskComparison& c, const CompareOptions& o) {
  if (!c.delta || !c.stderr_a || !c.stderr_b) return;
  double se = std::sqrt(*c.stderr_a * *c.stderr_a + *c.stderr_b * *c.stderr_b);
  if (se <= 0.0) return;
  c.test = TestKind::ZTest;
  c.p_value = normal_two_sided_p(*c.delta / se);
  double z = normal_quantile(1.0 - o.alpha / 2.0);
  c.ci = Interval{*c.delta - z * se, *c.delta + z * se};
}

}  // namespace

const char* to_string(TestKind t) {
  switch (t) {
    case TestKind::McNemar: return "mcnemar";
    case TestKind::SignFlip: return "sign-flip";
    case TestKind::ZTest: return "z-test";
    case TestKind::None: return "none";
  }
  return "none";
}

TaskComparison compare_tasks(const results::TaskSnapshot& a, const results::TaskSnapshot& b,
                             const CompareOptions& options) {
  TaskComparison c;
  c.label = a.info.spec.label;
  c.metric = b.info.spec.primary_metric;
  if (const auto* m = a.primary()) c.value_a = m->value, c.stderr_a = m->std_error;
  if (const auto* m = b.primary()) c.value_b = m->value, c.stderr_b = m->std_error;
  if (c.value_a && c.value_b) c.delta = *c.value_b - *c.value_a;
  if (a.info.spec.primary_metric != b.info.spec.primary_metric)
    c.note = "primary metric differs: " + a.info.spec.primary_metric + " vs " + b.info.spec.primary_metric;

  bool same_data = a.info.spec.data_hash == b.info.spec.data_hash;
  Pairs pairs = same_data ? pair_up(a.examples, b.examples) : Pairs{};
  if (!pairs.index.empty()) {
    paired_test(c, pairs, options);
  } else {
    if (!same_data) c.note = "data file changed between the runs: examples are not paired";
    else if (c.note.empty()) c.note = "no per-example scores to pair";
    z_test(c, options);
  }
  return c;
}

RunComparison compare_runs(const results::RunSnapshot& a, const results::RunSnapshot& b,
                           const CompareOptions& options) {
  RunComparison out;
  out.title_a = a.title();
  out.title_b = b.title();
  for (const results::TaskSnapshot& ta : a.tasks) {
    if (const results::TaskSnapshot* tb = b.find_task(ta.info.spec.label))
      out.tasks.push_back(compare_tasks(ta, *tb, options));
    else
      out.only_in_a.push_back(ta.info.spec.label);
  }
  for (const results::TaskSnapshot& tb : b.tasks)
    if (!a.find_task(tb.info.spec.label)) out.only_in_b.push_back(tb.info.spec.label);
  return out;
}

}  // namespace mpt::reports
