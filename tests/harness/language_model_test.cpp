// MptLanguageModel (backend/mpt_language_model.h) on the tiny random MPT with the real GPT-NeoX
// vocabulary: log-likelihoods against direct full forward passes, batched against exact mode,
// the edge cases of the request contract, and generation (stop strings, EOS, seeds).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "backend/mpt_language_model.h"
#include "backend/stop_matcher.h"
#include "tests/harness/harness_test_support.h"

namespace mpt {
namespace {

using test::neox_tokenizer;

struct Direct {
  std::vector<double> logprobs;  // per continuation token
  std::vector<bool> greedy;
  std::vector<double> top_gap;   // best minus second-best logit at each scored position
};

// log_softmax in double over the float32 logits of one full pass over context + continuation.
Direct direct_pass(const MptModel& model, const Tokens& context, const Tokens& continuation) {
  Tokens ids = context;
  ids.insert(ids.end(), continuation.begin(), continuation.end());
  std::vector<std::vector<float>> logits = model.logits(ids);
  Direct d;
  for (size_t j = 0; j < continuation.size(); ++j) {
    const std::vector<float>& row = logits[context.size() - 1 + j];
    double mx = -std::numeric_limits<double>::infinity(), second = mx, sum = 0;
    size_t arg = 0;
    for (size_t v = 0; v < row.size(); ++v) {
      if (row[v] > mx) second = mx, mx = row[v], arg = v;
      else if (row[v] > second) second = row[v];
    }
    for (float x : row) sum += std::exp(x - mx);
    d.logprobs.push_back(row[static_cast<size_t>(continuation[j])] - mx - std::log(sum));
    d.greedy.push_back(arg == static_cast<size_t>(continuation[j]));
    d.top_gap.push_back(mx - second);
  }
  return d;
}

std::vector<LoglikelihoodRequest> sample_requests() {
  const auto& tok = neox_tokenizer();
  Tokens q = tok.encode("Question: Which is the largest planet of the solar system?\nAnswer:");
  return {{q, tok.encode(" Jupiter")},
          {q, tok.encode(" Saturn, the ringed one")},
          {q, tok.encode(" the Earth")},
          {tok.encode("The cat sat on the"), tok.encode(" mat")},
          {tok.encode("Once upon a time there was a"), tok.encode(" princess who lived in a castle by the sea.")}};
}

// Exact mode runs the context and then each continuation against its cached keys and values, so
// the matrix products differ in shape from one full pass and float32 sums round differently:
// agreement to 1e-5 in log-probability (~1e-6 relative for logprobs near -10.8) is what float32
// allows. Greedy flags are compared where the top two logits are further apart than that.
constexpr double kTol = 1e-5;

void expect_matches_direct(const MptModel& model, const LoglikelihoodRequest& r, const LoglikelihoodResponse& got) {
  Direct d = direct_pass(model, r.context, r.continuation);
  ASSERT_EQ(got.num_tokens, static_cast<int32_t>(r.continuation.size()));
  ASSERT_EQ(got.token_logprobs.size(), r.continuation.size());
  double sum = 0;
  bool greedy = true, decidable = true;
  for (size_t j = 0; j < r.continuation.size(); ++j) {
    EXPECT_NEAR(got.token_logprobs[j], d.logprobs[j], kTol) << "token " << j;
    sum += d.logprobs[j];
    greedy = greedy && d.greedy[j];
    decidable = decidable && d.top_gap[j] > 1e-4;
  }
  EXPECT_NEAR(got.logprob, sum, kTol * static_cast<double>(r.continuation.size()));
  if (decidable) {
    EXPECT_EQ(got.greedy, greedy);
  }
}

TEST(MptLanguageModel, ExactModeMatchesDirectFullPasses) {
  auto model = test::load_tiny_model();
  MptLanguageModel lm(*model, neox_tokenizer(), {.mode = MptLanguageModelOptions::Mode::Exact});
  ASSERT_TRUE(lm.exact());
  std::vector<LoglikelihoodRequest> reqs = sample_requests();
  std::vector<size_t> called;
  std::vector<LoglikelihoodResponse> got = lm.loglikelihood(reqs, [&](size_t i, const LoglikelihoodResponse&) { called.push_back(i); });
  ASSERT_EQ(got.size(), reqs.size());
  EXPECT_EQ(called.size(), reqs.size());
  for (size_t i = 0; i < reqs.size(); ++i) expect_matches_direct(*model, reqs[i], got[i]);
}

TEST(MptLanguageModel, BatchedModeAgreesWithExactMode) {
  auto model = test::load_tiny_model();
  std::vector<LoglikelihoodRequest> reqs = sample_requests();
  MptLanguageModel exact(*model, neox_tokenizer(), {.mode = MptLanguageModelOptions::Mode::Exact});
  for (int64_t budget : {1, 20, 100000}) {
    MptLanguageModel batched(*model, neox_tokenizer(),
                             {.mode = MptLanguageModelOptions::Mode::Batched, .batch_tokens = budget});
    ASSERT_FALSE(batched.exact());
    std::vector<LoglikelihoodResponse> a = exact.loglikelihood(reqs), b = batched.loglikelihood(reqs);
    for (size_t i = 0; i < reqs.size(); ++i) {
      ASSERT_EQ(a[i].num_tokens, b[i].num_tokens);
      for (size_t j = 0; j < a[i].token_logprobs.size(); ++j)
        EXPECT_NEAR(a[i].token_logprobs[j], b[i].token_logprobs[j], kTol) << "budget " << budget << " request " << i;
    }
  }
}

TEST(MptLanguageModel, EmptyContinuationIsAnsweredWithoutComputing) {
  auto model = test::load_tiny_model();
  MptLanguageModel lm(*model, neox_tokenizer());
  int calls = 0;
  auto got = lm.loglikelihood({{neox_tokenizer().encode("Hello"), {}}}, [&](size_t i, const LoglikelihoodResponse&) {
    EXPECT_EQ(i, 0u);
    ++calls;
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(got[0].logprob, 0.0);
  EXPECT_TRUE(got[0].greedy);
  EXPECT_EQ(got[0].num_tokens, 0);
  EXPECT_TRUE(got[0].token_logprobs.empty());
}

TEST(MptLanguageModel, EmptyContextStartsFromEndOfText) {
  auto model = test::load_tiny_model();
  for (auto mode : {MptLanguageModelOptions::Mode::Exact, MptLanguageModelOptions::Mode::Batched}) {
    MptLanguageModel lm(*model, neox_tokenizer(), {.mode = mode});
    LoglikelihoodRequest r{{}, neox_tokenizer().encode("Hello world")};
    LoglikelihoodResponse got = lm.loglikelihood({r})[0];
    expect_matches_direct(*model, {{*neox_tokenizer().eos_token_id()}, r.continuation}, got);
  }
}

// A random model decoding greedily repeats one token forever (its tied embedding wins), so the
// generation tests sample (temperature 1, a fixed seed) to get varied, still deterministic text.
GenerateRequest sampled_request(const std::string& prompt, int32_t n, uint64_t seed) {
  GenerateRequest g;
  g.prompt = neox_tokenizer().encode(prompt);
  g.max_new_tokens = n;
  g.stop_at_eos = false;
  g.sampling = {.temperature = 1.0, .top_k = 0, .top_p = 1.0, .seed = seed};
  return g;
}

TEST(MptLanguageModel, GenerationStopsAtAStopStringAndCutsTheTextBeforeIt) {
  auto model = test::load_tiny_model();
  MptLanguageModel lm(*model, neox_tokenizer());
  GenerateRequest g = sampled_request("def fibonacci(n):", 40, 5);
  GenerateResponse full = lm.generate({g})[0];
  ASSERT_EQ(full.finish, FinishReason::Length);
  ASSERT_EQ(full.tokens.size(), 40u);
  ASSERT_GE(full.text.size(), 12u);
  // A stop string that first occurs in the middle of the text (chosen from the text itself).
  const std::string stop = full.text.substr(full.text.size() / 2, 3);
  const size_t at = full.text.find(stop);
  ASSERT_GT(at, 0u) << full.text;
  g.stop = {"no such stop string", stop};
  GenerateResponse cut = lm.generate({g})[0];
  EXPECT_EQ(cut.finish, FinishReason::Stop);
  EXPECT_EQ(cut.text, full.text.substr(0, at));
  // Generation ended with the token that completed the stop string: a prefix of the full tokens.
  ASSERT_LE(cut.tokens.size(), full.tokens.size());
  EXPECT_TRUE(std::equal(cut.tokens.begin(), cut.tokens.end(), full.tokens.begin()));
  EXPECT_NE(neox_tokenizer().decode(cut.tokens).find(stop), std::string::npos);
  EXPECT_EQ(neox_tokenizer().decode(Tokens(cut.tokens.begin(), cut.tokens.end() - 1)).find(stop), std::string::npos);
}

// The bundled tokenizer with another end-of-text id: lets a test pick a token the model emits.
class EosTokenizer : public TokenizerInterface {
 public:
  explicit EosTokenizer(TokenId eos) : eos_(eos) {}
  Tokens encode(std::string_view text) const override { return neox_tokenizer().encode(text); }
  std::string decode(const Tokens& ids) const override { return neox_tokenizer().decode(ids); }
  std::optional<TokenId> eos_token_id() const override { return eos_; }
  std::optional<TokenId> bos_token_id() const override { return eos_; }
  std::optional<TokenId> pad_token_id() const override { return std::nullopt; }

 private:
  TokenId eos_;
};

TEST(MptLanguageModel, GenerationStopsAtEndOfText) {
  auto model = test::load_tiny_model();
  MptLanguageModel plain(*model, neox_tokenizer());
  GenerateRequest g = sampled_request("The quick brown fox", 12, 3);
  GenerateResponse full = plain.generate({g})[0];
  ASSERT_EQ(full.tokens.size(), 12u);
  // Make a token generated in the middle (at its first occurrence) the end-of-text token.
  size_t k = 2;
  while (k < full.tokens.size() &&
         std::find(full.tokens.begin(), full.tokens.begin() + static_cast<long>(k), full.tokens[k]) !=
             full.tokens.begin() + static_cast<long>(k))
    ++k;
  ASSERT_LT(k, full.tokens.size());
  EosTokenizer eos(full.tokens[k]);
  MptLanguageModel lm(*model, eos);
  g.stop_at_eos = true;
  GenerateResponse ended = lm.generate({g})[0];
  EXPECT_EQ(ended.finish, FinishReason::Eos);
  EXPECT_EQ(ended.tokens, Tokens(full.tokens.begin(), full.tokens.begin() + static_cast<long>(k) + 1));
  g.stop_at_eos = false;
  EXPECT_EQ(lm.generate({g})[0].tokens, full.tokens);
}

TEST(MptLanguageModel, SampledSequencesDependOnlyOnTheirOwnSeedAndPrompt) {
  auto model = test::load_tiny_model();
  std::vector<GenerateRequest> reqs;
  for (const char* p : {"import numpy as np\n", "A", "The weather today is", "x = [1, 2, 3]\nprint("}) {
    reqs.push_back(sampled_request(p, 10, reqs.size() + 11));
  }
  for (auto mode : {MptLanguageModelOptions::Mode::Exact, MptLanguageModelOptions::Mode::Batched}) {
    MptLanguageModel lm(*model, neox_tokenizer(), {.mode = mode, .generation_rows = 4});
    std::vector<GenerateResponse> together = lm.generate(reqs);
    std::vector<GenerateRequest> reversed(reqs.rbegin(), reqs.rend());
    std::vector<GenerateResponse> backwards = lm.generate(reversed);
    for (size_t i = 0; i < reqs.size(); ++i) {
      GenerateResponse alone = lm.generate({reqs[i]})[0];
      EXPECT_EQ(together[i].tokens, alone.tokens) << "request " << i;
      EXPECT_EQ(backwards[reqs.size() - 1 - i].tokens, alone.tokens) << "request " << i;
    }
    // Another seed gives another sample (10 tokens at temperature 1 over 50k tokens).
    GenerateRequest other = reqs[0];
    other.sampling.seed = 999;
    EXPECT_NE(lm.generate({other})[0].tokens, together[0].tokens);
  }
}

TEST(StopMatcher, FindsStopsAsTheTextGrowsAndWhenItsTailIsRewritten) {
  StopMatcher m({"\ndef", "END"});
  EXPECT_FALSE(m.matches("x = 1"));
  EXPECT_FALSE(m.matches("x = 1\n"));
  EXPECT_FALSE(m.matches("x = 1\nde"));
  EXPECT_TRUE(m.matches("x = 1\ndef"));
  // A partial UTF-8 character shows as U+FFFD until its token completes it; the rewritten tail
  // is searched again.
  StopMatcher u({"é!"});
  EXPECT_FALSE(u.matches("abc\xEF\xBF\xBD"));
  EXPECT_TRUE(u.matches("abc\xC3\xA9!"));
  EXPECT_EQ(find_first_stop("a END b \ndef", {"\ndef", "END"}), 2u);
  EXPECT_EQ(find_first_stop("abc", {"", "zz"}), std::string_view::npos);
  StopMatcher none({});
  EXPECT_FALSE(none.matches("anything"));
}

}  // namespace
}  // namespace mpt
