// examples/train_tiny_mpt at a tiny scale: it trains, evaluates every 10 steps through the live
// hook, and writes an HTML report with the trend over training steps.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/jsonl.h"
#include "tests/cli/run_command.h"
#include "tests/live/live_test_support.h"

namespace mpt {
namespace {

TEST(TrainExample, TinyRunStoresIncreasingStepsAndATrendReport) {
  const std::string out = test::fresh_dir("example");
  const std::string cmd = std::string(TRAIN_TINY_MPT) + " --steps 30 --eval-every 10 --limit 4 --batch 4 --seq-len 32"
                          " --corpus-bytes 200000 --out " + out + " > " + out + "/stdout.txt 2> " + out + "/stderr.txt";
  const int rc = std::system(cmd.c_str());
  ASSERT_EQ(rc, 0) << read_file(out + "/stderr.txt");
  // Completed runs at steps 10, 20, 30: strictly increasing, one each.
  EXPECT_EQ(test::runs_per_step(out + "/train.db", "completed"), (std::map<int64_t, int64_t>{{10, 1}, {20, 1}, {30, 1}}));
  const std::string html = read_file(out + "/report.html");
  EXPECT_NE(html.find("Trends over training steps"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  const std::string printed = read_file(out + "/stdout.txt");
  EXPECT_NE(printed.find("step 30 loss"), std::string::npos) << printed;
  std::filesystem::remove_all(out);
}

}  // namespace
}  // namespace mpt
