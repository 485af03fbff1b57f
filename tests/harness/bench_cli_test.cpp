// `mpt-eval bench` end to end on CPU with a tiny random model: the JSON lines the GPU script and
// bench/bench_report.py read, the baseline-format dump, the request files, and input errors.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "common/jsonl.h"
#include "tests/cli/run_command.h"

namespace mpt::test {
namespace {

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  return out;
}

TEST(BenchCli, PrintsOneLinePerWorkloadAndWritesTheBaselinesDumpFormat) {
  const std::string dir = ::testing::TempDir();
  auto r = run_mpt_eval({"bench", "--shape", "tiny", "--vocab-size", "50432", "--device", "cpu", "--dtype", "fp32",
                         "--workload", "batch1,gen-32x64", "--batch-rows", "8", "--warmup", "2", "--dump", dir + "/dump.json",
                         "--dump-requests", dir + "/req-{w}.jsonl", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[0]["impl"], "mpt-eval");
  EXPECT_EQ(lines[0]["attention"], "reference");  // CPU
  EXPECT_EQ(lines[1]["workload"], "batch1");
  EXPECT_EQ(lines[1]["tokens"], 128);
  EXPECT_GT(lines[1]["tokens_per_s"].get<double>(), 0);
  EXPECT_TRUE(lines[1].contains("of_weight_bound"));
  EXPECT_EQ(lines[2]["workload"], "gen-32x64");
  EXPECT_EQ(lines[2]["requests"], 32);
  EXPECT_EQ(lines[2]["tokens"], 32 * 64);
  nlohmann::json dump = parse_json(read_file(dir + "/dump.json"), "dump");
  ASSERT_EQ(dump["gen-32x64"].size(), 32u);
  EXPECT_EQ(dump["gen-32x64"][0]["generated"].size(), 64u);
  EXPECT_EQ(dump["batch1"][0]["generated"].size(), 128u);
  EXPECT_EQ(json_lines(read_file(dir + "/req-gen-32x64.jsonl")).size(), 32u);
}

TEST(BenchCli, ScoringLinesCarryMfuAndTheDumpCarriesLogprobsAndGreedyFlags) {
  const std::string dir = ::testing::TempDir();
  const std::string workloads = dir + "/small-workloads.json";
  write_file_atomic(workloads, R"({"tiny-mc": {"kind": "loglikelihood", "seed": 5, "n": 12, "context_len": [3, 20],
                                   "continuation_len": [1, 4]}})");
  auto r = run_mpt_eval({"bench", "--shape", "tiny", "--vocab-size", "50432", "--device", "cpu", "--workloads", workloads,
                         "--workload", "tiny-mc", "--mode", "batched", "--dump", dir + "/dump2.json", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1]["mode"], "batched");
  EXPECT_TRUE(lines[1].contains("mfu_vs_790tflops"));
  nlohmann::json dump = parse_json(read_file(dir + "/dump2.json"), "dump");
  ASSERT_EQ(dump["tiny-mc"].size(), 12u);
  for (const auto& d : dump["tiny-mc"]) {
    EXPECT_LT(d["logprob"].get<double>(), 0);
    EXPECT_TRUE(d["greedy"].is_boolean());
  }
}

TEST(BenchCli, BadInputIsExitCode2NamingIt) {
  auto unknown = run_mpt_eval({"bench", "--shape", "tiny", "--device", "cpu", "--workload", "nope"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown workload"), std::string::npos) << unknown.err;
  auto both = run_mpt_eval({"bench", "--shape", "tiny", "--model", "/x", "--device", "cpu", "--workload", "batch1"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("exactly one of --model DIR or --shape NAME"), std::string::npos) << both.err;
  // The tiny shape's own vocabulary (320) cannot take the workloads' ids.
  auto vocab = run_mpt_eval({"bench", "--shape", "tiny", "--device", "cpu", "--workload", "batch1", "--warmup", "0"});
  EXPECT_EQ(vocab.exit_code, 2);
  EXPECT_NE(vocab.err.find("out of range"), std::string::npos) << vocab.err;
}

}  // namespace
}  // namespace mpt::test
