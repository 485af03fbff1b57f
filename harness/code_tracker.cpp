#include "harness/code_tracker.h"

#include "common/error.h"

namespace mpt {

CodeTracker::CodeTracker(const CodeTask& task, const std::vector<results::CodeSampleRecord>& stored,
                         const std::vector<bool>& done)
    : task_(task), problems_(task.problems.size()), completions_(task.requests.size()) {
  const auto n = static_cast<size_t>(task.samples);
  std::vector<bool> have(task.requests.size(), false);
  for (const results::CodeSampleRecord& s : stored) {
    if (s.example_index < 0 || static_cast<size_t>(s.example_index) >= problems_.size() || s.sample_index < 0 ||
        s.sample_index >= task.samples)
      continue;  // outside this selection (the run's identity pins n and the problems, so not expected)
    size_t r = task.request_index(s.example_index, s.sample_index);
    if (have[r]) continue;
    have[r] = true;
    Problem& p = problems_[static_cast<size_t>(s.example_index)];
    p.passed += s.verdict == sandbox::verdict_name(sandbox::Verdict::Passed) ? 1 : 0;
    ++p.verdicts[s.verdict];
  }
  for (size_t p = 0; p < problems_.size(); ++p) {
    if (p < done.size() && done[p]) continue;
    ++pending_problems_;
    for (size_t s = 0; s < n; ++s) {
      size_t r = p * n + s;
      if (have[r]) continue;
      ++problems_[p].remaining;
      pending_.push_back(r);
    }
    if (problems_[p].remaining == 0) complete_at_start_.push_back(static_cast<int64_t>(p));
  }
}

std::vector<results::ExampleRecord> CodeTracker::take_complete_at_start() {
  std::vector<results::ExampleRecord> rows;
  for (int64_t p : complete_at_start_) rows.push_back(problem_row(p));
  complete_at_start_.clear();
  return rows;
}

sandbox::Program CodeTracker::generated(size_t index, const GenerateResponse& response) {
  completions_.at(index) = task_.completion(response);
  return task_.program(static_cast<int64_t>(index) / task_.samples, completions_[index]);
}

CodeTracker::Recorded CodeTracker::executed(size_t index, const sandbox::ExecutionResult& result) {
  const int64_t problem = static_cast<int64_t>(index) / task_.samples;
  Problem& p = problems_.at(static_cast<size_t>(problem));
  if (p.remaining == 0)
    throw runtime_error("a code sample was executed twice", task_.spec.label, "one verdict per sample",
                        "another for problem " + std::to_string(problem));
  const std::string verdict = sandbox::verdict_name(result.verdict);
  --p.remaining;
  p.passed += result.passed() ? 1 : 0;
  ++p.verdicts[verdict];
  std::string detail = result.verdict == sandbox::Verdict::Crashed ? "signal " + std::to_string(result.signal)
                                                                    : result.passed() ? "" : result.result;
  Recorded out{results::CodeSampleRecord{problem, static_cast<int64_t>(index) % task_.samples,
                                         task_.problems[static_cast<size_t>(problem)].task_id, completions_[index],
                                         verdict, result.wall_seconds * 1000.0, result.isolation, detail},
               std::nullopt};
  if (p.remaining == 0) out.problem = problem_row(problem);
  return out;
}

results::ExampleRecord CodeTracker::problem_row(int64_t problem) const {
  const Problem& p = problems_[static_cast<size_t>(problem)];
  results::ExampleRecord row;
  row.example_index = problem;
  row.prompt_hash = task_.prompt_hash(problem);
  row.score = static_cast<double>(p.passed) / static_cast<double>(task_.samples);
  row.response = {{"task_id", task_.problems[static_cast<size_t>(problem)].task_id},
                  {"samples", task_.samples},
                  {"passed", p.passed},
                  {"verdicts", p.verdicts}};
  for (const MetricValue& m : task_.problem_metrics(p.passed)) row.metrics[m.name] = m.value;
  return row;
}

}  // namespace mpt
