#include "harness/distributed/remote_execution.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "harness/distributed/distributed_language_model.h"
#include "tests/support/fake_language_model.h"
#include "tests/distributed/test_support.h"

namespace mpt::dist {
namespace {

// A model whose every generation is the prompt's length, and a "pool" that judges a program on a
// thread of its own after a short delay (passed when the solution's number is even).
test::FakeLanguageModel prompt_length_model() {
  test::FakeLanguageModel m;
  m.on_loglikelihood = [](const LoglikelihoodRequest&) { return LoglikelihoodResponse{}; };
  m.on_generate = [](const GenerateRequest& r) { return GenerateResponse{{}, std::to_string(r.prompt.size()), FinishReason::Length}; };
  m.max_length = 100;
  return m;
}

RemoteExecution::Submit slow_pool(std::atomic<int>& ran) {
  return [&ran](sandbox::Program p, RemoteExecution::Done done) {
    std::thread([p = std::move(p), done = std::move(done), &ran] {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      sandbox::ExecutionResult r;
      r.verdict = std::stoi(p.solution) % 2 == 0 ? sandbox::Verdict::Passed : sandbox::Verdict::Failed;
      r.result = r.passed() ? "passed" : "failed: odd";
      r.isolation = "test";
      ++ran;
      done(r);
    }).detach();
  };
}

TEST(RemoteExecution, ProgramsFromGenerationRunOnEveryRankAndReturnBeforeGenerateDoes) {
  const int n = 3, prompts = 40;
  std::vector<GenerateRequest> requests;
  for (int i = 0; i < prompts; ++i) {
    GenerateRequest g;
    g.prompt = Tokens(static_cast<size_t>(1 + i), 7);
    g.max_new_tokens = 4;
    requests.push_back(g);
  }
  test::LocalHub hub(n);
  std::vector<std::atomic<int>> ran(n);
  std::vector<int> verdicts(prompts, -1);
  std::atomic<int> returned{0};
  std::vector<std::thread> threads;
  for (int r = 0; r < n; ++r)
    threads.emplace_back([&, r] {
      test::LocalCommunicator comm(hub, r);
      test::FakeLanguageModel local = prompt_length_model();
      DistributedLanguageModel lm(local, comm, {64, 30});
      RemoteExecution remote(r, n, [&, r] { return slow_pool(ran[static_cast<size_t>(r)]); });
      lm.set_generation_side_channel(&remote);
      lm.generate(r == 0 ? requests : std::vector<GenerateRequest>{}, [&](size_t i, const GenerateResponse& g) {
        if (r != 0) return;
        sandbox::Program p{g.text, "", "f"};
        remote.submit(p, [&verdicts, i](sandbox::ExecutionResult x) { verdicts[i] = x.passed() ? 1 : 0; });
      });
      if (r == 0) {
        // Remote verdicts are all in when generate returns; rank 0's own may still be running.
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        EXPECT_EQ(remote.assigned()[0] + remote.assigned()[1] + remote.assigned()[2], prompts);
      }
      ++returned;
    });
  for (auto& t : threads) t.join();
  for (int i = 0; i < prompts; ++i) EXPECT_EQ(verdicts[static_cast<size_t>(i)], (1 + i) % 2 == 0 ? 1 : 0) << i;
  for (int r = 0; r < n; ++r) EXPECT_GT(ran[static_cast<size_t>(r)].load(), 3) << "rank " << r << " ran programs";
  EXPECT_EQ(ran[0] + ran[1] + ran[2], prompts);
}

TEST(RemoteExecution, ASingleRankRunsEverythingItself) {
  std::atomic<int> ran{0};
  RemoteExecution remote(0, 1, [&] { return slow_pool(ran); });
  std::atomic<int> done{0};
  for (int i = 0; i < 5; ++i) remote.submit({std::to_string(i), "", "f"}, [&](sandbox::ExecutionResult) { ++done; });
  EXPECT_FALSE(remote.pending());
  for (int i = 0; i < 100 && done < 5; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(done.load(), 5);
  EXPECT_EQ(ran.load(), 5);
}

}  // namespace
}  // namespace mpt::dist
