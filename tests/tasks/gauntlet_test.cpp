// The eval gauntlet against hand-computed scores on LLM Foundry's eval_gauntlet_v0.3.yaml, the
// weighting schemes, and the explicit marking of missing benchmarks.
#include "tasks/gauntlet.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/tasks/task_test_support.h"

namespace mpt {
namespace {

const std::string kV03 = std::string(MPTEVAL_SOURCE_DIR) + "/data/icl/yamls/eval_gauntlet_v0.3.yaml";

// Tolerance for every score: the formulas are a handful of double operations on exact-ish inputs.
constexpr double kTol = 1e-12;

BenchmarkScore bench(const std::string& key, double acc, int64_t n = 100, const std::string& sub = "") {
  return {sub.empty() ? key : key + "/" + sub, key, acc, n};
}

const GauntletCategoryResult& category(const GauntletResult& r, const std::string& name) {
  for (const auto& c : r.categories)
    if (c.name == name) return c;
  throw std::runtime_error("no category " + name);
}

TEST(Gauntlet, V03HandComputed) {
  GauntletConfig g = load_gauntlet_config(kV03);
  EXPECT_EQ(g.weighting, GauntletWeighting::Equal);
  ASSERT_EQ(g.categories.size(), 5u);
  ASSERT_EQ(g.averages.size(), 1u);
  EXPECT_EQ(g.averages[0].first, "core_average");
  std::vector<BenchmarkScore> s = {
      // language_understanding: 0.70, (0.55-0.25)/0.75 = 0.4, (0.8-0.5)/0.5 = 0.6, (0.65-0.5)/0.5 = 0.3
      bench("lambada_openai/0-shot", 0.70), bench("hellaswag/0-shot", 0.55), bench("winograd/3-shot", 0.80),
      bench("winogrande/5-shot", 0.65),
      // world_knowledge without mmlu: jeopardy = mean of its categories 0.2, 0.4, 0.3, 0.1, 0.5 = 0.3;
      // 0.6; (0.7-0.25)/0.75 = 0.6; (0.4-0.25)/0.75 = 0.2; 0.5
      bench("jeopardy/3-shot", 0.2, 10, "american_history"), bench("jeopardy/3-shot", 0.4, 10, "literature"),
      bench("jeopardy/3-shot", 0.3, 10, "science"), bench("jeopardy/3-shot", 0.1, 10, "word_origins"),
      bench("jeopardy/3-shot", 0.5, 10, "world_history"), bench("bigbench_qa_wikidata/3-shot", 0.6),
      bench("arc_easy/3-shot", 0.7), bench("arc_challenge/3-shot", 0.4), bench("triviaqa_sm_sub/3-shot", 0.5),
      // commonsense_reasoning: 0.5, 0.2, 0.2, 0.6, 0.2, 0.4, 0.1
      bench("copa/0-shot", 0.75), bench("siqa/3-shot", 0.6), bench("commonsense_qa/0-shot", 0.4),
      bench("piqa/0-shot", 0.8), bench("openbook_qa/10-shot", 0.4), bench("bigbench_strange_stories/0-shot", 0.7),
      bench("bigbench_strategy_qa/0-shot", 0.55),
      // A benchmark the gauntlet does not list is ignored.
      bench("arc_challenge/25-shot", 0.9)};
  GauntletResult r = compute_gauntlet(g, s);

  const auto& lu = category(r, "language_understanding");
  EXPECT_TRUE(lu.complete());
  EXPECT_NEAR(*lu.score, (0.7 + 0.4 + 0.6 + 0.3) / 4, kTol);  // 0.5
  EXPECT_NEAR(*lu.benchmarks[1].score, 0.4, kTol);

  const auto& wk = category(r, "world_knowledge");
  EXPECT_FALSE(wk.score.has_value());  // LLM Foundry drops it: mmlu/5-shot is missing
  EXPECT_EQ(wk.missing, (std::vector<std::string>{"mmlu/5-shot"}));
  EXPECT_NEAR(*wk.partial_score, (0.3 + 0.6 + 0.6 + 0.2 + 0.5) / 5, kTol);  // 0.44
  EXPECT_NEAR(*wk.benchmarks[0].raw, 0.3, kTol);
  EXPECT_EQ(wk.benchmarks[0].parts.size(), 5u);

  const auto& cr = category(r, "commonsense_reasoning");
  EXPECT_NEAR(*cr.score, (0.5 + 0.2 + 0.2 + 0.6 + 0.2 + 0.4 + 0.1) / 7, kTol);

  const auto& sp = category(r, "symbolic_problem_solving");
  EXPECT_FALSE(sp.partial_score.has_value());
  EXPECT_EQ(sp.missing.size(), 8u);

  ASSERT_EQ(r.averages.size(), 1u);
  const auto& avg = r.averages[0];
  // LLM Foundry: the mean of the categories that have a score (language_understanding, commonsense).
  EXPECT_NEAR(avg.score, (0.5 + 2.2 / 7) / 2, kTol);
  EXPECT_NEAR(*avg.partial_score, (0.5 + 0.44 + 2.2 / 7) / 3, kTol);
  EXPECT_EQ(avg.missing_categories,
            (std::vector<std::string>{"world_knowledge", "symbolic_problem_solving", "reading_comprehension"}));
  EXPECT_FALSE(r.complete());
}

TEST(Gauntlet, SampleSizeAndLogSampleSizeWeighting) {
  test::ScratchDir dir;
  auto config = [&](const std::string& weighting) {
    return load_gauntlet_config(dir.write(weighting + ".yaml", "eval_gauntlet:\n  weighting: " + weighting + R"(
  subtract_random_baseline: false
  rescale_accuracy: false
  categories:
  - name: c
    benchmarks:
    - {name: a, num_fewshot: 0, random_baseline: 0.5}
    - {name: j, num_fewshot: 3, random_baseline: 0.5}
    - {name: gone, num_fewshot: 0, random_baseline: 0}
)"));
  };
  // j/3-shot has two categories of 150 rows: its size is the sum of labels starting with the key.
  std::vector<BenchmarkScore> s = {bench("a/0-shot", 0.5, 100), bench("j/3-shot", 0.0, 150, "x"),
                                   bench("j/3-shot", 0.2, 150, "y")};
  GauntletResult eq = compute_gauntlet(config("EQUAL"), s);
  EXPECT_NEAR(*eq.categories[0].partial_score, (0.5 + 0.1) / 2, kTol);  // raw scores, no baseline
  GauntletResult sz = compute_gauntlet(config("SAMPLE_SZ"), s);
  EXPECT_NEAR(*sz.categories[0].partial_score, (0.5 * 100 + 0.1 * 300) / 400, kTol);  // 0.2
  EXPECT_EQ(sz.categories[0].benchmarks[2].weight, 1.0);  // missing: max(0, 1) samples
  GauntletResult lg = compute_gauntlet(config("LOG_SAMPLE_SZ"), s);
  const double wa = std::log2(100.0), wj = std::log2(300.0);
  EXPECT_NEAR(*lg.categories[0].partial_score, (0.5 * wa + 0.1 * wj) / (wa + wj), kTol);
  EXPECT_FALSE(lg.categories[0].score.has_value());
  // The default average covers every category.
  EXPECT_EQ(lg.averages[0].name, "default_average");
  EXPECT_EQ(lg.averages[0].score, 0.0);  // LLM Foundry's value with no complete category
}

TEST(Gauntlet, EveryLlmFoundryGauntletFileLoads) {
  for (const char* f : {"eval_gauntlet_v0.3.yaml"}) {
    GauntletConfig g = load_gauntlet_config(std::string(MPTEVAL_SOURCE_DIR) + "/data/icl/yamls/" + f);
    EXPECT_FALSE(g.categories.empty()) << f;
  }
}

}  // namespace
}  // namespace mpt
