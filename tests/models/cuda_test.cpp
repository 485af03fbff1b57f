// The same checks on a CUDA device (label "gpu"; skipped where libtorch has no CUDA device):
// HF fixture parity in float32, cached decoding, CPU/CUDA agreement on a larger random model, and
// the bf16 / fp16 deviations, printed for the record.
//
// Tolerances: 1e-4 against HF in float32 (as on CPU; libtorch leaves TF32 off for matmuls by
// default, so CUDA float32 GEMMs round like CPU ones up to summation order); bf16/fp16 bounds are
// loose sanity checks (their deviation is reported, not specified).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "models/generation.h"
#include "models/mpt_model.h"
#include "models/random_checkpoint.h"
#include "models/torch_info.h"
#include "tests/models/fixture_util.h"

namespace mpt::test {
namespace {

double max_diff(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b) {
  double worst = 0;
  for (size_t t = 0; t < a.size(); ++t)
    for (size_t v = 0; v < a[t].size(); ++v) worst = std::max(worst, std::fabs(double(a[t][v]) - b[t][v]));
  return worst;
}

std::vector<std::vector<float>> expected_logits(const SafetensorsFile& f, int i) {
  std::vector<int64_t> shape;
  auto flat = golden<float>(f, "logits_" + std::to_string(i), &shape);
  std::vector<std::vector<float>> rows(shape[0]);
  for (int64_t t = 0; t < shape[0]; ++t) rows[t].assign(flat.begin() + t * shape[1], flat.begin() + (t + 1) * shape[1]);
  return rows;
}

class Cuda : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!torch_info().cuda_available) GTEST_SKIP() << "no CUDA device";
  }
};

TEST_F(Cuda, FixtureParityInFloat32AndHalfPrecisionDeviation) {
  SafetensorsFile expected(fixture("mpt-tiny/expected.safetensors"));
  for (DType dtype : {DType::F32, DType::BF16, DType::F16}) {
    for (const char* layout : {"mpt-tiny", "mpt-tiny-bin", "mpt-tiny-sharded"}) {
      auto model = MptModel::load(fixture(layout), {.device = "cuda", .dtype = dtype});
      double worst = 0;
      for (int i = 0; i < 4; ++i) {
        auto ids = to_ids(golden<int64_t>(expected, "input_ids_" + std::to_string(i)));
        worst = std::max(worst, max_diff(model->logits(ids), expected_logits(expected, i)));
      }
      std::printf("cuda %s %s: max |logit - HF fp32 CPU| = %.3g\n", dtype_name(dtype), layout, worst);
      EXPECT_LT(worst, dtype == DType::F32 ? 1e-4 : 0.1) << layout << " " << dtype_name(dtype);
    }
  }
}

TEST_F(Cuda, PaddedBatchAndGreedyGenerationMatchHf) {
  SafetensorsFile expected(fixture("mpt-tiny/expected.safetensors"));
  auto model = MptModel::load(fixture("mpt-tiny"), {.device = "cuda"});
  std::vector<int64_t> shape;
  auto ids = golden<int64_t>(expected, "batch_input_ids", &shape);
  auto mask = golden<int64_t>(expected, "batch_attention_mask");
  auto want = golden<float>(expected, "batch_logits");
  std::vector<TokenIds> rows(shape[0]);
  for (int64_t b = 0; b < shape[0]; ++b)
    for (int64_t t = 0; t < shape[1] && mask[b * shape[1] + t]; ++t) rows[b].push_back(static_cast<int32_t>(ids[b * shape[1] + t]));
  auto got = model->logits(rows);
  double worst = 0;
  for (size_t b = 0; b < rows.size(); ++b)
    for (size_t t = 0; t < rows[b].size(); ++t)
      for (size_t v = 0; v < 320; ++v)
        worst = std::max(worst, std::fabs(double(got[b][t][v]) - want[(b * shape[1] + t) * 320 + v]));
  std::printf("cuda fp32 padded batch: max |logit - HF| = %.3g\n", worst);
  EXPECT_LT(worst, 1e-4);
  std::vector<GenerationJob> jobs(2);
  for (int i = 0; i < 2; ++i) {
    jobs[i].prompt = to_ids(golden<int64_t>(expected, "gen_prompt_" + std::to_string(i)));
    jobs[i].max_new_tokens = 20;
  }
  auto out = generate(*model, jobs, {.max_batch_rows = 2});
  for (int i = 0; i < 2; ++i) EXPECT_EQ(out[i].tokens, to_ids(golden<int64_t>(expected, "gen_output_" + std::to_string(i))));
}

TEST_F(Cuda, LargerRandomModelAgreesWithCpu) {
  const std::string dir = ::testing::TempDir() + "/cuda-random";
  std::filesystem::remove_all(dir);
  MptConfig c = MptConfig::preset("tiny");
  c.d_model = 256, c.n_heads = 8, c.kv_n_heads = 2, c.n_layers = 4, c.ffn_hidden = 1024, c.vocab_size = 50432;
  c.qk_ln = true, c.clip_qkv = 6.0, c.softmax_scale = 1.0 / std::sqrt(32.0);
  write_random_checkpoint(c, {.seed = 7, .std = 0.05, .randomize_norms = true}, dir);
  TokenIds ids;
  for (int i = 0; i < 300; ++i) ids.push_back((i * 7919 + 3) % 50432);
  auto cpu = MptModel::load(dir)->logits(ids);
  for (DType dtype : {DType::F32, DType::BF16, DType::F16}) {
    double worst = max_diff(MptModel::load(dir, {.device = "cuda", .dtype = dtype})->logits(ids), cpu);
    std::printf("cuda %s vs cpu fp32, 300 tokens, d_model 256, GQA 8/2, vocab 50432: max |diff| = %.3g\n",
                dtype_name(dtype), worst);
    EXPECT_LT(worst, dtype == DType::F32 ? 1e-3 : 0.5) << dtype_name(dtype);
  }
}

}  // namespace
}  // namespace mpt::test
