// How many model tokens the scoring runner computes for a task set, against what a plain runner
// computes: every log-likelihood request its own row, padded to the longest row of fixed-size
// batches (naive_padded_tokens), and the bare count of request tokens. The difference is what
// prefix sharing (a multiple-choice context once for all choices, duplicates merged, a
// continuation's last token never fed) and padding-free token-budget batching save. No model is
// needed: the counts come from the scoring plan (backend/scoring_plan.h) over the real requests.
//
//   build/bench/bench_scoring [--tasks FILE] [--data-root DIR] [--limit N] [--batch-size 4,16,64]
//                             [--budget 8192] [--task LABEL ...]
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <map>

#include "common/log.h"
#include "common/paths.h"
#include "harness/eval_suite.h"
#include "backend/neox_tokenizer_adapter.h"
#include "backend/scoring_plan.h"

using namespace mpt;

namespace {

struct Counts {
  int64_t requests = 0, requested = 0, computed = 0, groups = 0;
  std::map<int, int64_t> naive;  // batch size -> padded tokens
};

Counts count(const std::vector<LoglikelihoodRequest>& reqs, const std::vector<int>& batch_sizes, int64_t budget) {
  Counts c;
  ScoringPlan plan = plan_scoring(reqs, budget);
  c.requests = static_cast<int64_t>(reqs.size());
  c.requested = plan.requested_tokens;
  c.computed = plan.computed_tokens;
  c.groups = static_cast<int64_t>(plan.groups.size());
  for (int b : batch_sizes) c.naive[b] = naive_padded_tokens(reqs, b);
  return c;
}

void print_row(const std::string& name, const Counts& c, const std::vector<int>& batch_sizes) {
  std::string line = fmt::format("{:<28} {:>9} {:>13} {:>13}", name, c.requests, c.requested, c.computed);
  for (int b : batch_sizes)
    line += fmt::format(" {:>13} {:>6.2f}x", c.naive.at(b), static_cast<double>(c.naive.at(b)) / std::max<int64_t>(c.computed, 1));
  std::printf("%s\n", line.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  EvalConfig config;
  config.tasks_path = source_dir() + "/configs/default_tasks.yaml";
  config.data_root = bundled_path("icl");
  std::vector<int> batch_sizes = {4, 16, 64};
  int64_t budget = 8192;
  CLI::App app("Model tokens the runner computes for a task set vs a naive padded runner");
  app.add_option("--tasks", config.tasks_path, "task file")->capture_default_str();
  app.add_option("--data-root", config.data_root, "data root")->capture_default_str();
  app.add_option("--limit", config.limit, "first N examples of each evaluation (-1: all)")->capture_default_str();
  app.add_option("--task", config.selectors, "only these tasks (repeatable)");
  app.add_option("--batch-size", batch_sizes, "naive runner batch sizes")->delimiter(',')->capture_default_str();
  app.add_option("--budget", budget, "the runner's token budget per batch")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  log::set_level(log::Level::Error);  // missing data files are listed below instead

  auto t0 = std::chrono::steady_clock::now();
  NeoxTokenizerAdapter tok(Tokenizer::bundled());
  EvalSuite suite = prepare_suite(config, tok);
  double prep = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::printf("task set %s (limit %lld), data %s; prepared in %.1f s\n", config.tasks_path.c_str(),
              static_cast<long long>(config.limit), config.data_root.c_str(), prep);
  for (const MissingTask& m : suite.missing)
    for (const std::string& k : m.benchmark_keys) std::printf("missing: %s (%s)\n", k.c_str(), m.reason.c_str());
  std::printf("tokens per evaluation: requested = sum of context + continuation; runner = computed by mpt-eval's plan;\n"
              "naive bN = every request its own row, padded to the longest in batches of N, and naive/runner\n\n");
  std::string header = fmt::format("{:<28} {:>9} {:>13} {:>13}", "evaluation", "requests", "requested", "runner");
  for (int b : batch_sizes) header += fmt::format(" {:>13} {:>7}", fmt::format("naive b{}", b), "ratio");
  std::printf("%s\n", header.c_str());
  std::vector<LoglikelihoodRequest> all;
  for (const SuiteTask& t : suite.tasks) {
    const PreparedEval* e = t.icl();
    if (!e || e->loglikelihood_requests.empty()) continue;
    print_row(t.label(), count(e->loglikelihood_requests, batch_sizes, budget), batch_sizes);
    all.insert(all.end(), e->loglikelihood_requests.begin(), e->loglikelihood_requests.end());
  }
  Counts total = count(all, batch_sizes, budget);
  print_row("all (one plan)", total, batch_sizes);
  std::printf("\nprefix sharing and merging: the runner computes %.1f%% of the requested tokens (%lld groups for %lld requests)\n",
              100.0 * static_cast<double>(total.computed) / static_cast<double>(std::max<int64_t>(total.requested, 1)),
              static_cast<long long>(total.groups), static_cast<long long>(total.requests));
  for (int b : batch_sizes)
    std::printf("padded batches of %d: naive computes %.2fx the runner's tokens (%.1f%% of it padding)\n", b,
                static_cast<double>(total.naive.at(b)) / static_cast<double>(std::max<int64_t>(total.computed, 1)),
                100.0 * static_cast<double>(total.naive.at(b) - total.requested) / static_cast<double>(total.naive.at(b)));
  return 0;
}
