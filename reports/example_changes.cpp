#include "reports/example_changes.h"

#include "common/error.h"
#include "common/utf8_check.h"

namespace mpt::reports {
namespace {

constexpr size_t kExcerpt = 240;

// The answer part of a stored response: the data row and the request texts are left out (they
// are the same in both runs and would fill the excerpt).
std::string excerpt(const nlohmann::json& response) {
  nlohmann::json answer = response;
  if (answer.is_object()) {
    answer.erase("doc");
    answer.erase("prompt");
  }
  std::string s = dump_json(answer);
  if (s.size() <= kExcerpt) return s;
  return s.substr(0, kExcerpt) + "…";
}

TaskChanges diff_task(const results::Store& store, const results::TaskSnapshot& a, const results::TaskSnapshot& b,
                      size_t max_per_task) {
  TaskChanges t;
  t.label = a.info.spec.label;
  std::vector<results::ExampleRecord> ea = store.load_examples(a.info.id);
  std::vector<results::ExampleRecord> eb = store.load_examples(b.info.id);
  size_t i = 0, j = 0;
  while (i < ea.size() && j < eb.size()) {
    if (ea[i].example_index < eb[j].example_index) { ++i; continue; }
    if (eb[j].example_index < ea[i].example_index) { ++j; continue; }
    const results::ExampleRecord& x = ea[i++];
    const results::ExampleRecord& y = eb[j++];
    ++t.paired;
    if (x.score == y.score) continue;
    (y.score > x.score ? t.better : t.worse) += 1;
    if (t.shown.size() < max_per_task)
      t.shown.push_back({x.example_index, x.prompt_hash, x.score, y.score, excerpt(x.response), excerpt(y.response)});
  }
  return t;
}

}  // namespace

RunDiff load_run_diff(const results::Store& store, const results::RunSnapshot& a, const results::RunSnapshot& b,
                      size_t max_per_task) {
  RunDiff d{a.title(), b.title(), {}};
  for (const results::TaskSnapshot& ta : a.tasks) {
    const results::TaskSnapshot* tb = b.find_task(ta.info.spec.label);
    if (!tb || tb->info.spec.data_hash != ta.info.spec.data_hash) continue;
    if (ta.info.id == 0 || tb->info.id == 0)
      throw runtime_error("per-example view needs stored runs", a.source + " / " + b.source, "runs from the database",
                          "a run read from a file");
    d.tasks.push_back(diff_task(store, ta, *tb, max_per_task));
  }
  return d;
}

}  // namespace mpt::reports
