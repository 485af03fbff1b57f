// mpt-eval compare: two runs task by task, with paired significance tests and flipped examples.
#include <cstdio>
#include <memory>

#include "harness/cli/number_checks.h"
#include "common/utf8_check.h"
#include "harness/cli/subcommands.h"
#include "reports/compare_output.h"
#include "reports/run_resolver.h"
#include "results/store.h"

namespace mpt::cli {
namespace {

struct CompareFlags {
  std::string db = results::default_db_path();
  std::string run_a, run_b;
  reports::CompareOptions stats;
  std::string format = "text";
  size_t max_flips = 20;
};

int run_compare(const CompareFlags& o) {
  reports::RunResolver resolver(o.db);
  results::RunSnapshot a = resolver.load(o.run_a);
  results::RunSnapshot b = resolver.load(o.run_b);
  reports::RunComparison c = reports::compare_runs(a, b, o.stats);
  std::string text = o.format == "json" ? dump_json(reports::compare_to_json(c, o.stats), 1) + "\n"
                     : o.format == "md" ? reports::render_compare_markdown(c, o.stats, o.max_flips)
                                        : reports::render_compare_text(c, o.stats, o.max_flips);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace

Action attach_compare(CLI::App& app) {
  auto o = std::make_shared<CompareFlags>();
  app.add_option("RUN_A", o->run_a, "baseline: run id, results JSON file, or label (newest completed run)")->required();
  app.add_option("RUN_B", o->run_b, "candidate: run id, results JSON file, or label")->required();
  app.add_option("--db", o->db, "results database ($MPTEVAL_DB when set, else ./mpt-eval.db)");
  app.add_option("--alpha", o->stats.alpha, "significance level; confidence intervals are (1 - alpha)")
      ->check(between(1e-6, 0.5));
  app.add_option("--resamples", o->stats.resamples, "bootstrap / permutation resamples")->check(between(100, 1000000));
  app.add_option("--seed", o->stats.seed, "seed of the resampling (fixed, so results are reproducible)");
  app.add_option("--format", o->format, "text, md or json")->check(CLI::IsMember({"text", "md", "json"}));
  app.add_option("--max-flips", o->max_flips, "flipped example indices listed per task and direction (text, md)");
  return [o] { return run_compare(*o); };
}

}  // namespace mpt::cli
