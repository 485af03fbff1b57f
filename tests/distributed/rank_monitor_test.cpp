#include "dist/rank_monitor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "tests/distributed/test_support.h"

namespace mpt::dist {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// Short periods so that the tests take well under a second each; the bounds asserted below are
// generous (several periods) because the machine running the tests may be busy.
MonitorOptions fast() { return MonitorOptions{20ms, 300ms, "rank 0"}; }

struct Job {
  explicit Job(int n) : state(std::make_shared<test::MemoryStoreState>()) {
    for (int r = 0; r < n; ++r)
      monitors.push_back(std::make_unique<RankMonitor>(std::make_unique<test::MemoryKeyValueStore>(state), r, n, fast()));
  }
  std::shared_ptr<test::MemoryStoreState> state;
  std::vector<std::unique_ptr<RankMonitor>> monitors;
};

TEST(RankMonitor, HealthyRanksReportNoFailure) {
  Job job(3);
  std::this_thread::sleep_for(600ms);  // twice the rank timeout
  for (auto& m : job.monitors) EXPECT_FALSE(m->failure()) << *m->failure();
}

TEST(RankMonitor, ASilentRankIsNamedWithinTheTimeout) {
  Job job(3);
  std::this_thread::sleep_for(100ms);
  auto died = std::chrono::steady_clock::now();
  job.monitors[1].reset();  // rank 1's heartbeat stops, as when its process is killed
  auto f0 = job.monitors[0]->wait_for_failure(2s);
  auto f2 = job.monitors[2]->wait_for_failure(2s);
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - died).count();
  ASSERT_TRUE(f0);
  ASSERT_TRUE(f2);
  EXPECT_THAT(*f0, HasSubstr("rank 1 stopped responding"));
  EXPECT_THAT(*f2, HasSubstr("rank 1 stopped responding"));  // learnt through the abort notice
  EXPECT_LT(waited, 1.5);  // rank timeout 0.3 s + a few 20 ms periods, with slack for a busy machine
}

TEST(RankMonitor, AnAnnouncedFailureReachesEveryRank) {
  Job job(4);
  job.monitors[2]->announce_failure("missing key 'gold' (piqa.jsonl:3)");
  for (int r : {0, 1, 3}) {
    auto f = job.monitors[static_cast<size_t>(r)]->wait_for_failure(1s);
    ASSERT_TRUE(f) << r;
    EXPECT_EQ(*f, "rank 2 failed: missing key 'gold' (piqa.jsonl:3)");
  }
  // A rank that already knows of a failure does not announce a consequence of it.
  job.monitors[0]->announce_failure("distributed job failed");
  std::lock_guard<std::mutex> lock(job.state->mutex);
  EXPECT_FALSE(job.state->values.count("abort/0"));
}

TEST(RankMonitor, TheLaunchersNoticeIsRead) {
  Job job(2);
  {
    test::MemoryKeyValueStore launcher(job.state);
    launcher.set(control_keys::abort_message("launcher"), "rank 1 (pid 42) was killed by signal 9 (Killed)");
    launcher.add(control_keys::kAbortCount, 1);
  }
  auto f = job.monitors[0]->wait_for_failure(1s);
  ASSERT_TRUE(f);
  EXPECT_THAT(*f, HasSubstr("killed by signal 9"));
}

TEST(RankMonitor, LosingTheStoreIsAFailure) {
  Job job(2);
  job.state->broken = true;
  auto f = job.monitors[1]->wait_for_failure(1s);
  ASSERT_TRUE(f);
  EXPECT_THAT(*f, HasSubstr("lost the job's rendezvous store at memory:0 (hosted by rank 0)"));
}

TEST(RankMonitor, FinishedRanksAreNotFailures) {
  Job job(3);
  std::this_thread::sleep_for(50ms);
  std::thread host([&] { job.monitors[0]->finish(/*wait_for_all=*/true); });
  job.monitors[1]->finish(false);
  std::this_thread::sleep_for(600ms);  // longer than the rank timeout: rank 1 is silent but done
  EXPECT_FALSE(job.monitors[2]->failure());
  job.monitors[2]->finish(false);
  host.join();  // returns once every rank finished
  std::lock_guard<std::mutex> lock(job.state->mutex);
  EXPECT_EQ(job.state->values["finished"], "3");
}

}  // namespace
}  // namespace mpt::dist
