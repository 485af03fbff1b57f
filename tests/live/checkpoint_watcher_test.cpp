// CheckpointWatcher in process: checkpoints appearing over time, one written slowly, a restart.
// Timing: the watcher polls every 0.1 s and wants 0.4 s of stability; the waits below are
// deadlines (generous, for a busy 2-core machine), never measurements.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/paths.h"
#include "harness/checkpoint_watcher.h"
#include "tests/live/live_test_support.h"

namespace mpt {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class Watcher : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    ckpts_ = dir_ + "/checkpoints";
    fs::create_directories(ckpts_);
    options_.checkpoints_dir = ckpts_;
    options_.run.eval.tasks_path = test::small_tasks_file(dir_);
    options_.run.eval.data_root = bundled_path("icl");
    options_.run.eval.limit = 2;
    options_.run.db_path = dir_ + "/watch.db";
    options_.poll_seconds = 0.1;
    options_.settle_seconds = 0.4;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Waits until `pred` holds or the deadline passes; returns whether it held.
  template <class Pred>
  static bool wait_for(Pred pred, std::chrono::seconds deadline = 120s) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      if (pred()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return pred();
  }

  // Writes a checkpoint elsewhere and moves it in, so it appears whole.
  void publish(const std::string& name, uint64_t seed) {
    const std::string staging = dir_ + "/staging-" + name;
    test::write_tiny_checkpoint(staging, seed);
    fs::rename(staging, ckpts_ + "/" + name);
  }

  std::string dir_, ckpts_;
  WatchOptions options_;
};

TEST_F(Watcher, CheckpointsOverTimeOneWrittenSlowlyEachEvaluatedOnce) {
  std::atomic<bool> stop{false};
  WatchSummary summary;
  std::thread watcher([&] { summary = CheckpointWatcher(options_, &stop).run(); });
  const std::string& db = options_.run.db_path;

  publish("step-10", 10);
  ASSERT_TRUE(wait_for([&] { return test::runs_per_step(db, "completed").count(10); }));

  // step-20 grows in pieces in place: config first, then the weights in 6 chunks 0.3 s apart.
  const std::string staging = dir_ + "/staging-20", slow = ckpts_ + "/step-20";
  test::write_tiny_checkpoint(staging, 20);
  fs::create_directories(slow);
  fs::copy_file(staging + "/config.json", slow + "/config.json");
  std::ifstream in(staging + "/model.safetensors", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  {
    std::ofstream out(slow + "/model.safetensors", std::ios::binary);
    const size_t chunk = bytes.size() / 6 + 1;
    for (size_t at = 0; at < bytes.size(); at += chunk) {
      // Checked before each chunk, while the file is still short (after the last one the watcher may
      // rightly start at any moment).
      EXPECT_EQ(test::runs_per_step(db).count(20), 0u) << "evaluated while incomplete";
      out.write(bytes.data() + at, static_cast<std::streamsize>(std::min(chunk, bytes.size() - at)));
      out.flush();
      std::this_thread::sleep_for(300ms);
    }
  }
  publish("step-30", 30);
  ASSERT_TRUE(wait_for([&] { return test::runs_per_step(db, "completed").size() == 3; }));
  stop = true;
  watcher.join();

  EXPECT_EQ(test::runs_per_step(db), (std::map<int64_t, int64_t>{{10, 1}, {20, 1}, {30, 1}}));
  EXPECT_EQ(summary.evaluated_steps, (std::vector<int64_t>{10, 20, 30}));
  EXPECT_EQ(summary.failed, 0);
}

TEST_F(Watcher, RestartNeitherRepeatsNorSkipsAndGoesOldestFirst) {
  publish("step-10", 10);
  {
    std::atomic<bool> stop{false};
    WatchSummary first;
    std::thread watcher([&] { first = CheckpointWatcher(options_, &stop).run(); });
    ASSERT_TRUE(wait_for([&] { return test::runs_per_step(options_.run.db_path, "completed").count(10); }));
    stop = true;
    watcher.join();
    EXPECT_EQ(first.evaluated_steps, (std::vector<int64_t>{10}));
  }
  // While no watcher runs, the trainer writes two more (the later one first) and one without a step.
  publish("ep0-ba30", 30);
  publish("step_20", 20);
  publish("latest", 99);
  options_.once = true;
  WatchSummary second = CheckpointWatcher(options_).run();
  EXPECT_EQ(second.evaluated_steps, (std::vector<int64_t>{20, 30}));
  EXPECT_EQ(second.already_done, 1);
  EXPECT_EQ(second.waiting, 1);  // "latest": no step
  EXPECT_EQ(test::runs_per_step(options_.run.db_path), (std::map<int64_t, int64_t>{{10, 1}, {20, 1}, {30, 1}}));
  // A third pass finds everything done.
  WatchSummary third = CheckpointWatcher(options_).run();
  EXPECT_TRUE(third.evaluated_steps.empty());
  EXPECT_EQ(third.already_done, 3);
}

}  // namespace
}  // namespace mpt
