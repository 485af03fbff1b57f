#include "harness/distributed/distributed_execution.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "tests/distributed/test_support.h"

namespace mpt::dist {
namespace {

// A stand-in for a sandbox pool: "passes" when the solution mentions the entry point.
struct FakeExecutor {
  int executed = 0;
  std::vector<sandbox::ExecutionResult> operator()(const std::vector<sandbox::Program>& programs) {
    std::vector<sandbox::ExecutionResult> out;
    for (const auto& p : programs) {
      sandbox::ExecutionResult r;
      bool ok = p.solution.find(p.entry_point) != std::string::npos;
      r.verdict = ok ? sandbox::Verdict::Passed : sandbox::Verdict::Failed;
      r.result = ok ? "passed" : fmt::format("failed: NameError: {}", p.entry_point);
      r.stdout_text = p.test;
      r.wall_seconds = 0.25;
      r.isolation = "fake";
      out.push_back(r);
      ++executed;
    }
    return out;
  }
};

TEST(ExecuteDistributed, RankZerosProgramsRunOnceSpreadOverTheRanks) {
  std::vector<sandbox::Program> programs;
  for (int i = 0; i < 50; ++i)
    programs.push_back({i % 3 ? fmt::format("def f{}(): pass", i) : "x = 1", fmt::format("test {}", i), fmt::format("f{}", i)});
  const int n = 3;
  test::LocalHub hub(n);
  std::mutex mutex;
  std::vector<int> executed(n, 0);
  std::vector<std::thread> threads;
  for (int r = 0; r < n; ++r)
    threads.emplace_back([&, r] {
      test::LocalCommunicator comm(hub, r);
      FakeExecutor fake;
      std::vector<int> calls(programs.size(), 0);
      auto results = execute_distributed(
          comm, [&](const std::vector<sandbox::Program>& p) { return fake(p); },
          r == 0 ? programs : std::vector<sandbox::Program>{}, [&](size_t i, const sandbox::ExecutionResult&) { ++calls[i]; },
          /*round_programs=*/5);
      ASSERT_EQ(results.size(), programs.size());
      for (size_t i = 0; i < programs.size(); ++i) {
        EXPECT_EQ(calls[i], 1);
        EXPECT_EQ(results[i].passed(), i % 3 != 0) << i;
        EXPECT_EQ(results[i].stdout_text, fmt::format("test {}", i));
        EXPECT_EQ(results[i].isolation, "fake");
      }
      std::lock_guard<std::mutex> lock(mutex);
      executed[static_cast<size_t>(r)] = fake.executed;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(executed[0] + executed[1] + executed[2], 50);
  for (int e : executed) EXPECT_GE(e, 16) << "an even share per rank";
}

}  // namespace
}  // namespace mpt::dist
