// mpt-eval watch as a process: kill -9 in the middle of an evaluation, then a restart resumes that
// run (no second run, nothing skipped); SIGTERM stops it cleanly; bad input exits 2.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "tests/cli/run_command.h"
#include "tests/live/live_test_support.h"

namespace mpt {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Starts mpt-eval with `args` (stdout and stderr to `log`), returns its pid.
pid_t spawn(const std::vector<std::string>& args, const std::string& log) {
  pid_t pid = ::fork();
  if (pid == 0) {
    FILE* f = std::freopen(log.c_str(), "w", stdout);
    if (f) ::dup2(::fileno(stdout), STDERR_FILENO);
    std::vector<char*> argv{const_cast<char*>(MPTEVAL_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(MPTEVAL_BINARY, argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

class WatchCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    ckpts_ = dir_ + "/checkpoints";
    db_ = dir_ + "/watch.db";
    fs::create_directories(ckpts_);
    tasks_ = test::small_tasks_file(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::vector<std::string> args(const std::string& limit) const {
    return {"watch", "--checkpoints", ckpts_, "--tasks", tasks_, "--db", db_, "--limit", limit, "--poll", "0.1", "--settle", "0.3"};
  }
  std::string dir_, ckpts_, db_, tasks_;
};

TEST_F(WatchCli, KilledMidEvaluationResumesOnRestart) {
  test::write_tiny_checkpoint(ckpts_ + "/step-10", 10);
  // Enough examples that the evaluation takes a while, so the kill lands inside it.
  const pid_t pid = spawn(args("40"), dir_ + "/first.log");
  const auto until = std::chrono::steady_clock::now() + 120s;
  while (test::runs_per_step(db_).count(10) == 0 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
  ::kill(pid, SIGKILL);
  EXPECT_EQ(wait_exit(pid), 128 + SIGKILL);
  ASSERT_EQ(test::runs_per_step(db_).at(10), 1);
  const bool interrupted = test::runs_per_step(db_, "running").count(10) == 1;
  RecordProperty("killed_mid_run", interrupted ? 1 : 0);  // else the run had finished before the kill

  test::write_tiny_checkpoint(ckpts_ + "/step-20", 20);
  std::vector<std::string> once = args("40");
  once.push_back("--once");
  test::CommandResult r = test::run_mpt_eval(once);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // One run per checkpoint: the killed run was taken over, not duplicated; step-20 was not skipped.
  EXPECT_EQ(test::runs_per_step(db_, "completed"), (std::map<int64_t, int64_t>{{10, 1}, {20, 1}}));
  EXPECT_EQ(test::runs_per_step(db_), (std::map<int64_t, int64_t>{{10, 1}, {20, 1}}));
  if (interrupted) {
    EXPECT_NE(r.err.find("(resumed)"), std::string::npos) << r.err;
  }
  EXPECT_NE(r.out.find("evaluated steps: [10, 20]"), std::string::npos) << r.out;
}

TEST_F(WatchCli, SigtermStopsBetweenCheckpoints) {
  test::write_tiny_checkpoint(ckpts_ + "/step-5", 5);
  const pid_t pid = spawn(args("2"), dir_ + "/watch.log");
  const auto until = std::chrono::steady_clock::now() + 120s;
  while (test::runs_per_step(db_, "completed").count(5) == 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(20ms);
  ::kill(pid, SIGTERM);
  EXPECT_EQ(wait_exit(pid), 0);
  EXPECT_EQ(test::runs_per_step(db_), (std::map<int64_t, int64_t>{{5, 1}}));
}

TEST_F(WatchCli, BadInputExitsTwo) {
  test::CommandResult r = test::run_mpt_eval({"watch", "--checkpoints", ckpts_, "--tasks", dir_ + "/none.yaml", "--once"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = test::run_mpt_eval({"watch", "--checkpoints", dir_ + "/nowhere", "--tasks", tasks_, "--once"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

}  // namespace
}  // namespace mpt
