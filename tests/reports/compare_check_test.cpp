// compare and check on constructed runs with known answers, through the library and the CLI.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "reports/comparison.h"
#include "reports/json_export.h"
#include "reports/regression_check.h"
#include "results/run_snapshot.h"
#include "tests/cli/run_command.h"
#include "tests/results/run_builder.h"

using namespace mpt;
using namespace mpt::reports;
using mpt::test::add_run;
using mpt::test::scores_with;

namespace {

// B's scores: A's, with the first `worse` correct examples made wrong and the first `better`
// wrong examples made right. So McNemar's b = worse and c = better exactly.
std::vector<double> flipped(std::vector<double> a, int worse, int better) {
  for (double& s : a) {
    if (s == 1.0 && worse > 0) s = 0.0, --worse;
    else if (s == 0.0 && better > 0) s = 1.0, --better;
  }
  return a;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Baseline and candidate with four tasks whose verdicts are known:
//   regress         400 examples, 300 -> 264 right (b = 40, c = 4): -9 points, p = 1.7e-8   -> REGRESSION
//   noise           400 examples, 300 -> 299 right (b = 3, c = 2): -0.25 points                -> pass (within the drop)
//   small_sample    20 examples, 15 -> 13 right (b = 2, c = 0): -10 points but p = 0.5        -> pass (not significant)
//   significant_tiny 10,000 examples, 7000 -> 6950 (b = 60, c = 10): -0.5 points, p = 8e-10   -> pass (within the drop)
class CompareCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = test::temp_dir("check");
    db = dir + "/r.db";
    results::Store store = results::Store::open(db);
    std::vector<double> regress = scores_with(400, 300), noise = scores_with(400, 300), small = scores_with(20, 15),
                        tiny = scores_with(10000, 7000);
    base = add_run(store, {"main", std::nullopt, "h-base",
                           {{"regress/0-shot", regress}, {"noise/0-shot", noise}, {"small_sample/0-shot", small},
                            {"significant_tiny/0-shot", tiny}},
                           {{"average", 0.5, false}}, true});
    cand = add_run(store, {"feature", std::nullopt, "h-cand",
                           {{"regress/0-shot", flipped(regress, 40, 4)}, {"noise/0-shot", flipped(noise, 3, 2)},
                            {"small_sample/0-shot", flipped(small, 2, 0)},
                            {"significant_tiny/0-shot", flipped(tiny, 60, 10)}},
                           {{"average", 0.48, false}}, true});
    results::RunSnapshot a = results::load_snapshot(store, base), b = results::load_snapshot(store, cand);
    snap_a = a;
    snap_b = b;
  }
  std::string dir, db;
  int64_t base = 0, cand = 0;
  results::RunSnapshot snap_a, snap_b;
};

const TaskVerdict& verdict_of(const CheckResult& r, const std::string& label) {
  for (const TaskVerdict& t : r.tasks)
    if (t.label == label) return t;
  throw std::runtime_error("no verdict for " + label);
}

}  // namespace

TEST_F(CompareCheck, CompareCountsDiscordantPairsAndFlips) {
  RunComparison c = compare_runs(snap_a, snap_b, {});
  ASSERT_EQ(c.tasks.size(), 4u);
  const TaskComparison& r = c.tasks[1];
  ASSERT_EQ(r.label, "regress/0-shot");
  EXPECT_EQ(r.test, TestKind::McNemar);
  EXPECT_EQ(r.paired, 400);
  EXPECT_EQ(r.a_only_right, 40);
  EXPECT_EQ(r.b_only_right, 4);
  EXPECT_NEAR(*r.p_value, 1.7051434042514302e-08, 1e-18);  // hand value (Python fractions), see statistics_test
  EXPECT_NEAR(*r.delta, -0.09, 1e-12);                       // (264 - 300) / 400
  EXPECT_EQ(r.flips.size(), 44u);
  // The bootstrap interval of B - A is around -0.09 and excludes 0.
  ASSERT_TRUE(r.ci);
  EXPECT_LT(r.ci->high, 0.0);
  EXPECT_LT(r.ci->low, -0.09);
  EXPECT_GT(r.ci->high, -0.09);
  EXPECT_NEAR(*c.tasks[0].p_value, 1.0, 1e-12);   // noise: b = 3, c = 2 gives 1
  EXPECT_NEAR(*c.tasks[3].p_value, 0.5, 1e-12);   // small_sample: b = 2, c = 0
}

TEST_F(CompareCheck, OnlyTheRealRegressionIsFlagged) {
  CheckResult r = run_check(snap_a, snap_b, {});
  EXPECT_EQ(r.failures(), 1);
  EXPECT_EQ(verdict_of(r, "regress/0-shot").verdict, Verdict::Regression);
  EXPECT_EQ(verdict_of(r, "noise/0-shot").verdict, Verdict::Pass);
  EXPECT_EQ(verdict_of(r, "small_sample/0-shot").verdict, Verdict::Pass);
  EXPECT_NE(verdict_of(r, "small_sample/0-shot").reason.find("not significant"), std::string::npos);
  EXPECT_EQ(verdict_of(r, "significant_tiny/0-shot").verdict, Verdict::Pass);
  // A looser gate lets the 9-point drop through; a stricter one also fails the 0.5-point drop.
  EXPECT_EQ(run_check(snap_a, snap_b, {10.0, {}}).failures(), 0);
  EXPECT_EQ(run_check(snap_a, snap_b, {0.4, {}}).failures(), 2);
}

TEST_F(CompareCheck, MissingTasksFailAndNewOnesAreListed) {
  results::RunSnapshot b = snap_b;
  b.tasks.erase(b.tasks.begin());  // candidate lacks noise/0-shot
  b.tasks.push_back(snap_b.tasks[0]);
  b.tasks.back().info.spec.label = "brand_new/0-shot";
  CheckResult r = run_check(snap_a, b, {});
  EXPECT_EQ(verdict_of(r, "noise/0-shot").verdict, Verdict::Missing);
  EXPECT_EQ(r.failures(), 2);
  EXPECT_EQ(r.new_tasks, std::vector<std::string>{"brand_new/0-shot"});
}

TEST_F(CompareCheck, ChangedDataOrNoExamplesFallBackToTheZTest) {
  results::RunSnapshot b = snap_b;
  for (auto& t : b.tasks) t.info.spec.data_hash = "other-data";
  RunComparison c = compare_runs(snap_a, b, {});
  EXPECT_EQ(c.tasks[1].test, TestKind::ZTest);
  EXPECT_NE(c.tasks[1].note.find("data file changed"), std::string::npos);
  // z = -0.09 / sqrt(se_a^2 + se_b^2) with the sample standard errors the builder stored.
  double se_a = *c.tasks[1].stderr_a, se_b = *c.tasks[1].stderr_b;
  EXPECT_NEAR(*c.tasks[1].p_value, std::erfc(0.09 / std::sqrt(se_a * se_a + se_b * se_b) / std::sqrt(2.0)), 1e-12);
  EXPECT_EQ(run_check(snap_a, b, {}).failures(), 1);  // -9 points is still significant unpaired
}

TEST_F(CompareCheck, FractionalScoresUseTheSignFlipTest) {
  results::RunSnapshot a = snap_a, b = snap_b;
  auto& ta = a.tasks[1].examples.score;
  auto& tb = b.tasks[1].examples.score;
  for (size_t i = 0; i < ta.size(); ++i) ta[i] *= 0.5, tb[i] *= 0.5;  // pass fractions of 2 samples
  EXPECT_EQ(compare_tasks(a.tasks[1], b.tasks[1], {}).test, TestKind::SignFlip);
}

TEST_F(CompareCheck, JUnitAndMarkdownOutputs) {
  CheckResult r = run_check(snap_a, snap_b, {});
  std::string xml = render_junit(r);
  EXPECT_NE(xml.find("<testsuites name=\"mpt-eval check\" tests=\"4\" failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testcase classname=\"mpt-eval.check\" name=\"regress/0-shot\""), std::string::npos);
  EXPECT_NE(xml.find("<failure type=\"regression\" message=\"dropped 9.0 points"), std::string::npos) << xml;
  size_t noise = xml.find("name=\"noise/0-shot\"");
  std::string noise_case = xml.substr(noise, xml.find("</testcase>", noise) - noise);
  EXPECT_EQ(noise_case.find("<failure"), std::string::npos) << "noise must pass: " << noise_case;
  std::string md = render_check_markdown(r);
  EXPECT_NE(md.find("### mpt-eval check: 1 task(s) regressed"), std::string::npos) << md;
  EXPECT_NE(md.find("| regress/0-shot | 75.0 ± 2.2 | 66.0 ± 2.4 | -9.0 |"), std::string::npos) << md;
}

TEST_F(CompareCheck, CliExitCodesAndFiles) {
  std::string junit = dir + "/junit.xml", md = dir + "/comment.md";
  auto fail = test::run_mpt_eval({"check", "--db", db, "--baseline", std::to_string(base), "--candidate",
                                  std::to_string(cand), "--junit", junit, "--markdown", md});
  EXPECT_EQ(fail.exit_code, 3) << fail.err;
  EXPECT_NE(fail.err.find("1 of 4 task(s) regressed: regress/0-shot"), std::string::npos) << fail.err;
  EXPECT_NE(fail.out.find("REGRESSION regress/0-shot"), std::string::npos) << fail.out;
  EXPECT_NE(slurp(junit).find("failures=\"1\""), std::string::npos);
  EXPECT_NE(slurp(md).find("regressed"), std::string::npos);
  auto pass = test::run_mpt_eval({"check", "--db", db, "--baseline", "main", "--candidate", "feature", "--max-drop", "10"});
  EXPECT_EQ(pass.exit_code, 0) << pass.err;
  auto self = test::run_mpt_eval({"check", "--db", db, "--baseline", "main", "--candidate", "main"});
  EXPECT_EQ(self.exit_code, 0) << self.err;
}

TEST_F(CompareCheck, BaselineFromACommittedJsonExport) {
  std::string file = dir + "/baseline.json";
  auto exported = test::run_mpt_eval({"report", "--db", db, "--runs", std::to_string(base), "--format", "json", "--out", file});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  results::RunSnapshot back = read_single_run_file(file);
  EXPECT_EQ(back.tasks.size(), 4u);
  EXPECT_EQ(back.tasks[1].examples.score, snap_a.tasks[1].examples.score);
  EXPECT_EQ(run_check(back, snap_b, {}).failures(), 1);
  auto r = test::run_mpt_eval({"check", "--db", db, "--baseline", file, "--candidate", std::to_string(cand)});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  // A file with two runs is refused with a hint.
  std::string two = dir + "/two.json";
  test::run_mpt_eval({"report", "--db", db, "--format", "json", "--out", two});
  auto bad = test::run_mpt_eval({"check", "--db", db, "--baseline", two, "--candidate", std::to_string(cand)});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("exactly one run"), std::string::npos) << bad.err;
}

TEST_F(CompareCheck, CompareCommandPrintsDeltasAndFlips) {
  auto r = test::run_mpt_eval({"compare", "--db", db, std::to_string(base), std::to_string(cand), "--max-flips", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("regress/0-shot"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("75.0 ± 2.2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-9.0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mcnemar"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("+4/-40"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(+37 more)"), std::string::npos) << r.out;  // 40 worse, 3 listed
  auto j = test::run_mpt_eval({"compare", "--db", db, std::to_string(base), std::to_string(cand), "--format", "json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  nlohmann::json doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["tasks"][1]["a_only_right"], 40);
  EXPECT_EQ(doc["tasks"][1]["flips"].size(), 44u);
  auto unknown = test::run_mpt_eval({"compare", "--db", db, std::to_string(base), "no-such-label"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no-such-label"), std::string::npos) << unknown.err;
}

TEST_F(CompareCheck, CheckRefusesAnUnfinishedCandidate) {
  int64_t running;
  {
    results::Store store = results::Store::open(db);
    running = add_run(store, {"wip", std::nullopt, "h-wip", {{"regress/0-shot", scores_with(400, 300)}}, {}, false});
  }
  auto r = test::run_mpt_eval({"check", "--db", db, "--baseline", std::to_string(base), "--candidate", std::to_string(running)});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not completed"), std::string::npos) << r.err;
}
