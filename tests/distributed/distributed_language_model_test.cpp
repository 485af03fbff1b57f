#include "harness/distributed/distributed_language_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <mutex>
#include <thread>

#include "tests/distributed/test_support.h"
#include "tests/support/fake_language_model.h"

namespace mpt::dist {
namespace {

// The shared fake, answering with a pure function of each request (like MptLanguageModel in exact
// mode), with values that make any mix-up visible; it counts the requests it computed.
test::FakeLanguageModel fake_model() {
  test::FakeLanguageModel m;
  m.on_loglikelihood = [](const LoglikelihoodRequest& r) {
    LoglikelihoodResponse x;
    x.num_tokens = static_cast<int32_t>(r.continuation.size());
    for (size_t j = 0; j < r.continuation.size(); ++j) {
      float lp = -0.001f * static_cast<float>(r.continuation[j] * 7 + r.context.size() * 13 + j);
      x.token_logprobs.push_back(lp);
      x.logprob += lp;
    }
    x.greedy = r.continuation.empty() || (r.context.size() + r.continuation.front()) % 3 == 0;
    return x;
  };
  m.on_generate = [](const GenerateRequest& r) {
    GenerateResponse g;
    for (int32_t k = 0; k < r.max_new_tokens; ++k) g.tokens.push_back(static_cast<TokenId>(r.prompt.size() * 31 + k));
    g.text = "out" + std::to_string(r.prompt.size()) + "/" + std::to_string(r.sampling.seed);
    g.finish = r.max_new_tokens % 2 ? FinishReason::Stop : FinishReason::Length;
    return g;
  };
  return m;
}

std::vector<LoglikelihoodRequest> choice_requests() {
  std::vector<LoglikelihoodRequest> reqs;
  for (int q = 0; q < 40; ++q) {
    Tokens ctx;
    for (int t = 0; t < 5 + (q * 7) % 23; ++t) ctx.push_back(100 + q + t);
    for (int c = 0; c < 4; ++c) {
      Tokens cont;
      for (int t = 0; t <= c; ++t) cont.push_back(10 * c + t + 1);
      reqs.push_back({ctx, cont});
    }
  }
  reqs.push_back(reqs[5]);                 // a duplicate: computed once
  reqs.push_back({Tokens{1, 2}, Tokens{}});  // an empty continuation: answered without computation
  return reqs;
}

bool same(const LoglikelihoodResponse& a, const LoglikelihoodResponse& b) {
  return a.logprob == b.logprob && a.greedy == b.greedy && a.num_tokens == b.num_tokens &&
         a.token_logprobs == b.token_logprobs;
}

// Runs `fn(rank, comm)` on n threads, one per rank.
template <class Fn>
void on_ranks(int n, Fn fn) {
  test::LocalHub hub(n);
  std::vector<std::thread> threads;
  for (int r = 0; r < n; ++r)
    threads.emplace_back([&, r] {
      test::LocalCommunicator comm(hub, r);
      fn(r, comm);
    });
  for (auto& t : threads) t.join();
}

TEST(DistributedLanguageModel, LoglikelihoodMatchesTheLocalModelOnEveryRank) {
  const auto reqs = choice_requests();
  test::FakeLanguageModel reference = fake_model();
  const auto expected = reference.loglikelihood(reqs, {});
  for (int n : {1, 2, 3}) {
    std::mutex mutex;
    int computed = 0;
    on_ranks(n, [&](int rank, test::LocalCommunicator& comm) {
      test::FakeLanguageModel local = fake_model();
      DistributedLanguageModel lm(local, comm, {/*round_tokens=*/40, 40});
      std::vector<int> calls(reqs.size(), 0);
      auto got = lm.loglikelihood(reqs, [&](size_t i, const LoglikelihoodResponse& r) {
        ++calls[i];
        EXPECT_TRUE(same(r, expected[i])) << i;
      });
      ASSERT_EQ(got.size(), reqs.size());
      for (size_t i = 0; i < reqs.size(); ++i) {
        EXPECT_TRUE(same(got[i], expected[i])) << "rank " << rank << " of " << n << ", request " << i;
        EXPECT_EQ(calls[i], 1) << "callback of request " << i << " on rank " << rank;
      }
      EXPECT_GT(comm.collectives, 2) << "results travel in several rounds";
      std::lock_guard<std::mutex> lock(mutex);
      computed += local.requests_answered();
    });
    // Duplicates and the empty continuation are never computed; every distinct pair exactly once.
    EXPECT_EQ(computed, 160) << n << " ranks";
  }
}

TEST(DistributedLanguageModel, GenerationMatchesTheLocalModelOnEveryRank) {
  std::vector<GenerateRequest> reqs;
  for (int i = 0; i < 23; ++i) {
    GenerateRequest g;
    g.prompt = Tokens(static_cast<size_t>(3 + i % 7), 5);
    g.max_new_tokens = 4 + i % 5;
    g.sampling.seed = static_cast<uint64_t>(i);
    reqs.push_back(g);
  }
  test::FakeLanguageModel reference = fake_model();
  const auto expected = reference.generate(reqs, {});
  on_ranks(3, [&](int, test::LocalCommunicator& comm) {
    test::FakeLanguageModel local = fake_model();
    DistributedLanguageModel lm(local, comm, {64, 20});
    int callbacks = 0;
    auto got = lm.generate(reqs, [&](size_t, const GenerateResponse&) { ++callbacks; });
    EXPECT_EQ(callbacks, 23);
    for (size_t i = 0; i < reqs.size(); ++i) {
      EXPECT_EQ(got[i].tokens, expected[i].tokens);
      EXPECT_EQ(got[i].text, expected[i].text);
      EXPECT_EQ(got[i].finish, expected[i].finish);
    }
    EXPECT_LT(local.requests_answered(), 23) << "each rank generates only its share";
  });
}

TEST(DistributedLanguageModel, RankZerosRequestsAreTheOnesComputed) {
  // As in the evaluation runner: rank 0 leaves out what is stored already, the others pass everything.
  const auto all = choice_requests();
  const std::vector<LoglikelihoodRequest> rest(all.begin() + 100, all.end());
  test::FakeLanguageModel reference = fake_model();
  const auto expected = reference.loglikelihood(rest, {});
  on_ranks(3, [&](int rank, test::LocalCommunicator& comm) {
    test::FakeLanguageModel local = fake_model();
    DistributedLanguageModel lm(local, comm, {40, 40});
    size_t calls = 0;
    auto got = lm.loglikelihood(rank == 0 ? rest : all, [&](size_t i, const LoglikelihoodResponse&) {
      EXPECT_LT(i, rest.size());
      ++calls;
    });
    ASSERT_EQ(got.size(), rest.size()) << "rank " << rank;
    EXPECT_EQ(calls, rest.size());
    for (size_t i = 0; i < rest.size(); ++i) EXPECT_TRUE(same(got[i], expected[i])) << i;
  });
}

}  // namespace
}  // namespace mpt::dist
