// mpt-eval score-samples: run HumanEval completions in the sandbox and report pass@k, as OpenAI
// human-eval's evaluate_functional_correctness does (see harness/code_eval/score_samples.h).
#include <cstdio>
#include <memory>

#include "common/error.h"
#include "harness/cli/number_checks.h"
#include "harness/cli/subcommands.h"
#include "harness/code_eval/score_samples.h"

namespace mpt::cli {
namespace {

struct ScoreSamplesFlags {
  code_eval::ScoreSamplesOptions options;
  std::string postprocess = "none";
  std::string tests = "auto";
  std::string checking = "split-process";
  double memory_mb = 0;
  bool no_compile_cache = false;
  bool no_expected_cache = false;
};

code::TestStyle parse_tests(const std::string& s) {
  if (s == "auto") return code::TestStyle::Auto;
  if (s == "check") return code::TestStyle::Check;
  if (s == "io") return code::TestStyle::IoCases;
  throw input_error("invalid --tests", "--tests", "auto, check or io", s);
}

}  // namespace

Action attach_score_samples(CLI::App& app) {
  auto cli = std::make_shared<ScoreSamplesFlags>();
  auto& o = cli->options;
  cli->memory_mb = static_cast<double>(o.sandbox.limits.memory_bytes >> 20);
  app.description(
      "Run HumanEval completions in the sandbox and report pass@k (OpenAI human-eval compatible).\n"
      "Samples: JSON lines with task_id and completion. Results: <samples>_results.jsonl with every input key\n"
      "plus result, passed, verdict and isolation; the summary (pass@k, verdict counts) goes to stdout as JSON.");
  app.add_option("--samples", o.samples_path, "JSON Lines file of {task_id, completion} samples")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--problems", o.problems_path,
                 "problems file, OpenAI (HumanEval.jsonl.gz) or LLM Foundry format (human_eval.jsonl); "
                 "default: the bundled HumanEval (or, with --language, LLM Foundry's C++ / JavaScript file)")
      ->check(CLI::ExistingFile);
  app.add_option("--language", o.language,
                 "python, cpp (c++) or javascript (js): the problems must be in it; without --problems, cpp and "
                 "javascript use the bundled processed_human_eval_{cpp,js}.jsonl (default: any)");
  app.add_option("--compile-timeout", o.sandbox.limits.compile_timeout_seconds,
                 "wall-clock seconds for compiling one program (C++); a longer compile is a compile_error")
      ->check(positive());
  app.add_option("--cache-dir", o.sandbox.cache_dir,
                 "where the C++ precompiled header is built once and HumanEval+ expected outputs are cached (default: $MPT_EVAL_CACHE, $XDG_CACHE_HOME/mpt-eval "
                 "or ~/.cache/mpt-eval where the sandbox can reach it, else /var/tmp/mpt-eval-<uid>)");
  app.add_flag("--no-compile-cache", cli->no_compile_cache,
               "compile every C++ program from scratch (no precompiled header; slower, for comparison)");
  app.add_flag("--no-expected-cache", cli->no_expected_cache,
               "HumanEval+: compute the expected outputs in every program's checker instead of taking them from "
               "the cache of the problems file under the cache directory (computed once, in the sandbox)");
  app.add_option("--k", o.ks, "pass@k to report, comma-separated; only k <= samples per problem are shown")
      ->delimiter(',');
  app.add_option("--timeout", o.sandbox.limits.timeout_seconds, "wall-clock seconds per program")
      ->check(positive());
  app.add_option("--workers", o.sandbox.workers, "programs run concurrently; 0 = two per core for Python checked split-process (a program's two processes take turns), else one per core")
      ->check(at_least(0));
  app.add_option("--memory-limit", cli->memory_mb, "address-space limit of each process of a program, MiB")->check(positive());
  app.add_option("--interpreter", o.sandbox.interpreter, "Python interpreter for the programs (an absolute path)");
  app.add_option("--postprocess", cli->postprocess,
                 "cut completions first: " + code::postprocess_names() + " (see docs/sandbox.md)");
  app.add_flag("--strip-prompt", o.assembly.strip_prompt,
               "the completions continue prompt.strip() (bigcode's 'humaneval'), not the prompt as given");
  app.add_option("--tests", cli->tests,
                 "auto (the problem's test field when it has one, else its test_inputs/test_outputs), check "
                 "(the test field), io (LLM Foundry's test_inputs/test_outputs comparison)");
  app.add_option("--checking", cli->checking,
                 "where the test runs: split-process (its own process; only plain data crosses to the "
                 "candidate's; the default) or in-process (with the candidate, as other harnesses do)");
  app.add_flag("--unsafe-no-sandbox", o.sandbox.unsafe_no_sandbox,
               "run the programs WITHOUT isolation (no namespaces, no seccomp): only for trusted code");
  return [cli]() -> int {
    auto& o = cli->options;
    std::optional<code::Postprocess> pp = code::parse_postprocess(cli->postprocess);
    if (!pp) throw input_error("invalid --postprocess", "--postprocess", code::postprocess_names(), cli->postprocess);
    o.postprocess = *pp;
    o.assembly.tests = parse_tests(cli->tests);
    std::optional<sandbox::Checking> checking = sandbox::parse_checking(cli->checking);
    if (!checking) throw input_error("invalid --checking", "--checking", "split-process or in-process", cli->checking);
    o.checking = *checking;
    o.sandbox.limits.memory_bytes = static_cast<uint64_t>(cli->memory_mb * 1024 * 1024);
    o.sandbox.language_caches = !cli->no_compile_cache;
    o.expected_cache = !cli->no_expected_cache;
    code_eval::ScoreSamplesSummary summary = code_eval::score_samples(o);
    std::printf("%s\n", code_eval::summary_json(summary).dump().c_str());
    if (summary.infrastructure_errors > 0)
      throw runtime_error("the sandbox failed for " + std::to_string(summary.infrastructure_errors) + " sample(s)",
                          summary.results_path, "no infrastructure errors",
                          "results marked infrastructure_error (counted as not passed)");
    return kExitOk;
  };
}

}  // namespace mpt::cli
