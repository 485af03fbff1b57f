// Scoring HumanEval completions generated anywhere (`mpt-eval score-samples`), compatible with
// OpenAI human-eval's evaluate_functional_correctness.
//
// Input: a JSON Lines file of samples, each an object with "task_id" and "completion" (other keys
// are kept); every line Python's json.loads reads, lone surrogate escapes included (they are
// written back as they came). Every sample runs in the sandbox as problem prompt + completion, and
// the problem's test in a process of its own (split-process checking, the default; see
// sandbox/program.h). Output: "<samples path>_results.jsonl" (written atomically), one line per sample in input
// order with every input key plus
//   "result"     human-eval's string: "passed", "timed out", "failed: <exception message>"
//   "passed"     true or false
//   "verdict"    passed, failed, timeout, memory, output_limit, crashed, compile_error, infrastructure_error
// C++ and JavaScript problems (LLM Foundry's processed_human_eval_{cpp,js}.jsonl) are compiled and
// run by the sandbox's language recipes (sandbox/language.h). HumanEval+ problems (EvalPlus's
// format) run twice, with the base and the plus inputs: "result"/"passed"/"verdict" are the base
// run's, "plus_result"/"plus_passed"/"plus_verdict" the plus run's (plus_passed: both passed).
//   "isolation"  the sandbox's isolation level
// and pass@k for each requested k that every attempted problem has enough samples for.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sandbox/program.h"
#include "sandbox/sandbox_config.h"
#include "sandbox/verdict.h"
#include "tasks/code/completion_postprocess.h"
#include "tasks/code/program_assembly.h"

namespace mpt::code_eval {

struct ScoreSamplesOptions {
  std::string problems_path;   // empty: the bundled file of `language` (HumanEval for python)
  // "" (any), python, cpp (c++) or javascript (js): the problems must be in it; without a problems
  // file, cpp and javascript pick the bundled data/icl/programming/processed_human_eval_{cpp,js}.jsonl.
  std::string language;
  std::string samples_path;
  std::vector<int64_t> ks = {1, 10, 100};
  code::Postprocess postprocess = code::Postprocess::None;  // human-eval runs completions as given
  code::AssemblyOptions assembly;
  sandbox::Config sandbox;
  sandbox::Checking checking = sandbox::Checking::SplitProcess;  // where check() runs (docs/sandbox.md)
  // HumanEval+: take the expected outputs and canonical times from the cache of the problems file
  // (computed once, in the sandbox; tasks/code/evalplus_cache.h) instead of computing them in every
  // program's checker. Verdicts are the same either way.
  bool expected_cache = true;
};

struct ScoreSamplesSummary {
  std::map<int64_t, double> pass_at_k;
  int64_t samples = 0;
  int64_t problems_attempted = 0;  // problems with at least one sample
  int64_t problems_total = 0;      // problems in the problems file
  std::map<sandbox::Verdict, int64_t> verdicts;
  // HumanEval+ (EvalPlus format): pass@k and verdicts with the plus inputs, a sample counting as
  // passed when it passes the base and the plus inputs (EvalPlus's "plus"); pass_at_k is "base".
  std::map<int64_t, double> plus_pass_at_k;
  std::map<sandbox::Verdict, int64_t> plus_verdicts;
  int64_t infrastructure_errors = 0;  // samples whose sandbox failed even after a retry
  std::string results_path;
  std::string isolation;
  double wall_seconds = 0.0;       // executing the programs
  // HumanEval+ with the expected-output cache: its directory, and how many input sets (a problem's
  // base or plus inputs) came from it, were computed into it (damaged ones included), were found
  // damaged there, or could not be computed (their checkers compute them, as without a cache).
  std::string expected_cache_dir;
  int64_t expected_from_cache = 0, expected_computed = 0, expected_damaged = 0, expected_not_cached = 0;
};

// Reads and checks every sample before running any (a bad line is an mpt::Error (Input) naming
// file:line: not an object, no string task_id or completion, a task_id the problems file lacks).
// Then runs all samples and writes the results file. Problems without samples are left out of
// pass@k with a warning (human-eval refuses such files). Sandbox refusal or failure: mpt::Error (Runtime).
ScoreSamplesSummary score_samples(const ScoreSamplesOptions& options);

// {"pass@1": ..., "samples": n, "problems": n, "verdicts": {...}, "infrastructure_errors": n,
//  "results": path, "isolation": "...", "wall_seconds": s}; HumanEval+ with the cache also
//  "expected_outputs": {"cache": dir, "from_cache": n, "computed": n, "damaged": n, "not_cached": n}
nlohmann::json summary_json(const ScoreSamplesSummary& summary);

}  // namespace mpt::code_eval
