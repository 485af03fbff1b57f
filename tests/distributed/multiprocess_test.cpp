// Multi-process runs over Gloo on loopback: the tiny fixture model through DistributedLanguageModel
// (tests/distributed/dist_driver.cpp), started by `mpt-eval launch` or, as torchrun would, with
// the rank variables set by hand. Results are compared bit for bit: float32 CPU in exact mode makes
// every answer a pure function of its request, whatever the number of ranks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <cstdio>
#include <map>
#include <sstream>
#include <thread>

#include "tests/distributed/process_group.h"

namespace mpt::test {
namespace {

using ::testing::HasSubstr;

const std::string kModel = std::string(MPTEVAL_TEST_FIXTURES) + "/mpt-tiny";

// index line ("L 12" / "G 3") -> encoded answer; fails on a duplicate.
std::map<std::string, std::string> answers(const std::string& path) {
  std::map<std::string, std::string> out;
  std::istringstream in(read_text(path));
  std::string kind, index, payload;
  while (in >> kind >> index >> payload) {
    bool fresh = out.emplace(kind + " " + index, payload).second;
    EXPECT_TRUE(fresh) << "duplicate answer " << kind << " " << index << " in " << path;
  }
  return out;
}

std::vector<std::string> driver(const std::string& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {DIST_DRIVER, "--model", kModel, "--out", out};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::vector<std::string> launch(int nproc, const std::vector<std::string>& command) {
  std::vector<std::string> args = {MPTEVAL_BINARY, "launch", "--nproc", std::to_string(nproc), "--exec", "--"};
  args.insert(args.end(), command.begin(), command.end());
  return args;
}

Finished run(const std::vector<std::string>& argv, const std::string& log, double timeout = 240) {
  return wait_process(start_process(argv, {}, log), timeout);
}

class MultiProcess : public ::testing::Test {
 protected:
  void SetUp() override { dir = temp_dir("dist"); }
  std::string dir;
  // The answers of one uninterrupted single-process run (no launcher variables at all).
  std::map<std::string, std::string> single() {
    Finished f = run(driver(dir + "/single.txt"), dir + "/single");
    EXPECT_EQ(f.exit_code, 0) << f.err;
    auto a = answers(dir + "/single.txt");
    EXPECT_EQ(a.size(), 60u * 4 + 12);
    return a;
  }
};

TEST_F(MultiProcess, TwoAndThreeGlooRanksGiveTheSingleRanksAnswersBitForBit) {
  auto reference = single();
  for (int n : {2, 3}) {
    std::string out = dir + "/launch" + std::to_string(n) + ".txt";
    Finished f = run(launch(n, driver(out)), out);
    ASSERT_EQ(f.exit_code, 0) << f.err;
    EXPECT_THAT(f.err, HasSubstr("[rank " + std::to_string(n - 1) + "]")) << "output is tagged per rank";
    EXPECT_THAT(f.err, HasSubstr("of " + std::to_string(n) + " (torchrun, gloo, cpu)"));
    EXPECT_EQ(answers(out), reference) << n << " ranks";
  }
}

TEST_F(MultiProcess, AKilledRankStopsTheOthersThroughTheLauncher) {
  std::string out = dir + "/killed.txt";
  Finished f = run(launch(3, driver(out, {"--die-rank", "1", "--die-after", "100"})), out);
  EXPECT_EQ(f.exit_code, 1) << f.err;
  // The launcher logs the death, then each survivor's exit: their distance is the stopping time.
  std::printf("launcher's log:\n%s", f.err.substr(f.err.find("error: launch: rank 1")).c_str());
  EXPECT_THAT(f.err, HasSubstr("launch failed: rank 1 (pid"));
  EXPECT_THAT(f.err, HasSubstr("was killed by signal 9"));
  // The survivors stop on their own, with the same explanation, and exit 1 (runtime).
  EXPECT_THAT(f.err, HasSubstr("[rank 0] error: distributed job failed: rank 1 (pid"));
  EXPECT_THAT(f.err, HasSubstr("[rank 2] error: distributed job failed: rank 1 (pid"));
  EXPECT_THAT(f.err, HasSubstr("rank 0 (pid"));
  EXPECT_THAT(f.err, HasSubstr("launch: rank 0 (pid"));
  EXPECT_THAT(f.err, ::testing::Not(HasSubstr("sending SIGTERM"))) << "nobody had to be killed";
  // What rank 0 stored before the failure is valid (a subset of the reference answers).
  auto reference = single();
  auto partial = answers(out);
  EXPECT_GT(partial.size(), 0u);
  EXPECT_LT(partial.size(), reference.size());
  for (const auto& [k, v] : partial) EXPECT_EQ(v, reference.at(k)) << k;
}

TEST_F(MultiProcess, AKilledRankIsNamedWithinTheTimeoutWithoutALauncher) {
  // As under torchrun without an agent store or srun: rank 0 hosts the store, only heartbeats tell.
  const int port = free_port();
  const double timeout_s = 3;
  std::vector<Started> ranks;
  for (int r = 0; r < 3; ++r) {
    std::map<std::string, std::string> env = {{"RANK", std::to_string(r)},        {"WORLD_SIZE", "3"},
                                              {"LOCAL_RANK", std::to_string(r)},   {"MASTER_ADDR", "127.0.0.1"},
                                              {"MASTER_PORT", std::to_string(port)}, {"OMP_NUM_THREADS", "1"}};
    ranks.push_back(start_process(driver(dir + "/torchrun.txt", {"--rank-timeout-ms", "3000", "--die-rank", "2",
                                                                 "--die-after", "100"}),
                                  env, dir + "/rank" + std::to_string(r)));
  }
  Finished dead = wait_process(ranks[2], 240);
  EXPECT_EQ(dead.exit_code, 128 + SIGKILL);
  for (int r : {0, 1}) {
    Finished f = wait_process(ranks[static_cast<size_t>(r)], 60);
    EXPECT_EQ(f.exit_code, 1) << "rank " << r << ": " << f.err;
    EXPECT_THAT(f.err, HasSubstr("distributed job failed: rank 2 stopped responding")) << "rank " << r;
    if (r == 0) std::printf("rank 0 exited %.1f s after rank 2 was killed (rank timeout %.0f s)\n", f.seconds, timeout_s);
    // Bound: the rank timeout, two heartbeats, one round of work, and a busy 2-core machine.
    EXPECT_LT(f.seconds, timeout_s + 15) << "rank " << r << " took " << f.seconds << " s after rank 2 died";
  }
}

TEST_F(MultiProcess, ResumingWithAnotherRankCountCompletesTheRun) {
  auto reference = single();
  std::string out = dir + "/resumed.txt";
  Finished first = run(launch(3, driver(out, {"--die-rank", "2", "--die-after", "120"})), dir + "/first");
  ASSERT_EQ(first.exit_code, 1) << first.err;
  size_t stored = answers(out).size();
  ASSERT_GT(stored, 0u);
  ASSERT_LT(stored, reference.size());
  Finished second = run(launch(2, driver(out)), dir + "/second");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(answers(out), reference) << "resumed with 2 ranks after " << stored << " answers from 3";
}

TEST_F(MultiProcess, AFailingRankStopsTheOthersWithItsReason) {
  std::string out = dir + "/failing.txt";
  Finished f = run(launch(2, driver(out, {"--fail-rank", "1", "--fail-after", "50"})), out);
  EXPECT_EQ(f.exit_code, 2) << "the failed rank's exit code (input error): " << f.err;
  EXPECT_THAT(f.err, HasSubstr("[rank 0] error: distributed job failed: rank 1 failed: deliberate failure"));
  EXPECT_THAT(f.err, HasSubstr("launch failed: rank 1 (pid"));
}


TEST_F(MultiProcess, SrunStyleVariablesFormTheJob) {
  // What srun sets for each task (no torchrun variables): the master is the node list's first host.
  auto reference = single();
  const int port = free_port();
  std::vector<Started> ranks;
  for (int r = 0; r < 2; ++r)
    ranks.push_back(start_process(driver(dir + "/srun.txt"),
                                  {{"SLURM_PROCID", std::to_string(r)},
                                   {"SLURM_NTASKS", "2"},
                                   {"SLURM_LOCALID", std::to_string(r)},
                                   {"SLURM_JOB_NODELIST", "localhost"},
                                   {"MASTER_PORT", std::to_string(port)},
                                   {"OMP_NUM_THREADS", "1"}},
                                  dir + "/srun" + std::to_string(r)));
  for (int r = 0; r < 2; ++r) {
    Finished f = wait_process(ranks[static_cast<size_t>(r)], 240);
    EXPECT_EQ(f.exit_code, 0) << f.err;
    EXPECT_THAT(f.err, HasSubstr("of 2 (Slurm, gloo, cpu)"));
  }
  EXPECT_EQ(answers(dir + "/srun.txt"), reference);
}

TEST_F(MultiProcess, TheLauncherForwardsSignals) {
  Started p = start_process({MPTEVAL_BINARY, "launch", "--nproc", "2", "--exec", "--", "sleep", "60"}, {}, dir + "/sig");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  kill(p.pid, SIGTERM);
  Finished f = wait_process(p, 30);
  EXPECT_EQ(f.exit_code, 1) << f.err;
  EXPECT_LT(f.seconds, 10);
  EXPECT_THAT(f.err, HasSubstr("forwarding it to the ranks"));
  EXPECT_THAT(f.err, HasSubstr("launch failed: interrupted by Terminated"));
}

}  // namespace
}  // namespace mpt::test
