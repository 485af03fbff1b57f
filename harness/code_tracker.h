// The samples of one code task during a run: which still need generating and running, their
// completions, and each problem's row once all n verdicts are known (pass@k per problem).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/code_task.h"
#include "results/records.h"
#include "sandbox/verdict.h"

namespace mpt {

class CodeTracker {
 public:
  // `stored`: the task's code samples already in the store; `done[p]`: problem p's row is stored.
  // `task` must outlive this.
  CodeTracker(const CodeTask& task, const std::vector<results::CodeSampleRecord>& stored, const std::vector<bool>& done);

  // Request indices (problem * n + sample, into task.requests) still to generate and run.
  const std::vector<size_t>& pending() const { return pending_; }
  int64_t pending_problems() const { return pending_problems_; }
  // Rows of problems whose samples were all stored but whose row was not (a crash in between);
  // returned once.
  std::vector<results::ExampleRecord> take_complete_at_start();

  // Request `index` was generated: keeps its post-processed completion and returns the program.
  sandbox::Program generated(size_t index, const GenerateResponse& response);

  struct Recorded {
    results::CodeSampleRecord sample;
    std::optional<results::ExampleRecord> problem;  // set when this was the problem's last sample
  };
  // The sandbox's final verdict on request `index` (never an infrastructure error: the runner keeps
  // those out of the store so that a rerun retries them).
  Recorded executed(size_t index, const sandbox::ExecutionResult& result);

 private:
  struct Problem {
    int64_t remaining = 0;  // samples without a verdict
    int64_t passed = 0;
    std::map<std::string, int64_t> verdicts;
  };
  results::ExampleRecord problem_row(int64_t problem) const;

  const CodeTask& task_;
  std::vector<Problem> problems_;
  std::vector<std::string> completions_;  // per request
  std::vector<size_t> pending_;
  std::vector<int64_t> complete_at_start_;
  int64_t pending_problems_ = 0;
};

}  // namespace mpt
