// MptLanguageModel on a CUDA device (label "gpu"; skipped where libtorch has no CUDA device):
// batched mode on CUDA (its default) against exact mode on CPU, exact mode on CUDA, and the runner
// end to end on CUDA (ICL tasks and generation with stop strings).
//
// Tolerance 1e-4 in log-probability: libtorch leaves TF32 off, so CUDA float32 GEMMs round like CPU
// ones up to summation order (the models room bounds logits by 1e-4 the same way).
#include <gtest/gtest.h>

#include "common/paths.h"
#include "harness/eval_runner.h"
#include "backend/mpt_language_model.h"
#include "models/torch_info.h"
#include "tests/harness/harness_test_support.h"

namespace mpt {
namespace {

using Mode = MptLanguageModelOptions::Mode;
using test::neox_tokenizer;

class CudaLanguageModel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!torch_info().cuda_available) GTEST_SKIP() << "no CUDA device";
    cpu_ = test::load_tiny_model();
    ModelOptions o;
    o.device = "cuda";
    cuda_ = MptModel::load(test::tiny_neox_checkpoint(), o);
  }
  std::unique_ptr<MptModel> cpu_, cuda_;
};

std::vector<LoglikelihoodRequest> requests() {
  const auto& tok = neox_tokenizer();
  Tokens q = tok.encode("Question: Which planet is the largest?\nAnswer:");
  return {{q, tok.encode(" Jupiter")}, {q, tok.encode(" Saturn, with rings")}, {{}, tok.encode("Hello world")},
          {tok.encode("Once upon a time there was a"), tok.encode(" princess who lived by the sea.")},
          {tok.encode("x"), {}}};
}

TEST_F(CudaLanguageModel, BatchedAndExactOnCudaAgreeWithExactOnCpu) {
  MptLanguageModel reference(*cpu_, neox_tokenizer(), {.mode = Mode::Exact});
  MptLanguageModel batched(*cuda_, neox_tokenizer());  // Auto: batched on CUDA
  ASSERT_FALSE(batched.exact());
  MptLanguageModel exact(*cuda_, neox_tokenizer(), {.mode = Mode::Exact});
  std::vector<LoglikelihoodRequest> reqs = requests();
  auto want = reference.loglikelihood(reqs);
  for (MptLanguageModel* lm : {&batched, &exact}) {
    auto got = lm->loglikelihood(reqs);
    for (size_t i = 0; i < reqs.size(); ++i) {
      ASSERT_EQ(got[i].num_tokens, want[i].num_tokens);
      for (size_t j = 0; j < got[i].token_logprobs.size(); ++j)
        EXPECT_NEAR(got[i].token_logprobs[j], want[i].token_logprobs[j], 1e-4) << "request " << i << " token " << j;
    }
  }
}

TEST_F(CudaLanguageModel, GenerationHonoursStopStringsAndLengths) {
  MptLanguageModel lm(*cuda_, neox_tokenizer());
  std::vector<GenerateRequest> reqs;
  for (const char* p : {"def f(x):", "The weather is", "1, 2, 3,"}) {
    GenerateRequest g;
    g.prompt = neox_tokenizer().encode(p);
    g.max_new_tokens = 16;
    g.sampling = {.temperature = 1.0, .top_k = 0, .top_p = 1.0, .seed = reqs.size()};
    g.stop = {"\n"};
    reqs.push_back(g);
  }
  for (const GenerateResponse& r : lm.generate(reqs)) {
    EXPECT_LE(r.tokens.size(), 16u);
    EXPECT_EQ(r.text.find('\n'), std::string::npos);
    if (r.finish == FinishReason::Length) {
      EXPECT_EQ(r.tokens.size(), 16u);
    }
  }
}

TEST_F(CudaLanguageModel, TheRunnerEvaluatesOnCuda) {
  test::TempDir dir;
  EvalConfig c;
  c.tasks_path = source_dir() + "/configs/default_tasks.yaml";
  c.data_root = bundled_path("icl");
  c.selectors = {"piqa", "hellaswag/0-shot", "triviaqa_sm_sub"};
  c.limit = 8;
  auto suite = std::make_shared<const EvalSuite>(prepare_suite(c, neox_tokenizer()));
  results::Store store = results::Store::open(dir.file("r.db"));
  MptLanguageModel lm(*cuda_, neox_tokenizer());
  RunTarget target;
  target.store = &store;
  target.spec.model_hash = "tiny";
  target.spec.tokenizer_hash = "neox";
  target.spec.device = "cuda";
  target.spec.device_class = "cuda";
  target.spec.dtype = "float32";
  RunOutcome out = EvalRunner(suite).run(lm, target);
  ASSERT_EQ(out.tasks.size(), 3u);
  for (const TaskOutcome& t : out.tasks) EXPECT_EQ(t.evaluated, 8) << t.label;
  std::printf("CUDA run: %.2f s for %lld requests\n", out.wall_seconds,
              static_cast<long long>(out.counters.loglikelihood_requests + out.counters.generate_requests));
}

}  // namespace
}  // namespace mpt
