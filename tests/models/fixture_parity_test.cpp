// Parity with Hugging Face transformers' MptForCausalLM on the shared tiny fixture, in the three
// shared checkpoint layouts (tests/fixtures/mpt-tiny/PROVENANCE.md) and two more made from them:
// a Zip64 .bin and sharded .bin files with an index (their PROVENANCE.md).
//
// Tolerance 1e-4 absolute (the project's parity bound): HF and this implementation run the same
// float32 operations, but the ALiBi bias is formed relative to the query here (slope·(j − i)) and
// relative to the last key in HF (slope·(j − (S−1))); the two differ by a per-row constant that the
// softmax removes exactly in arithmetic and up to float32 rounding (~1e-6 here) in practice.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "common/jsonl.h"
#include "models/generation.h"
#include "models/mpt_model.h"
#include "tests/models/fixture_util.h"

namespace mpt::test {
namespace {

constexpr double kTol = 1e-4;

double max_abs_diff(const std::vector<std::vector<float>>& got, const float* want, int64_t V) {
  double worst = 0;
  for (size_t t = 0; t < got.size(); ++t) {
    EXPECT_EQ(static_cast<int64_t>(got[t].size()), V);
    for (int64_t v = 0; v < V; ++v) worst = std::max(worst, std::fabs(double(got[t][v]) - want[t * V + v]));
  }
  return worst;
}

// Every layout of the same weights.
const char* const kLayouts[] = {"mpt-tiny", "mpt-tiny-sharded", "mpt-tiny-bin", "mpt-tiny-bin-zip64",
                                "mpt-tiny-bin-sharded"};

class FixtureParity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { expected_ = new SafetensorsFile(fixture("mpt-tiny/expected.safetensors")); }
  static void TearDownTestSuite() {
    delete expected_;
    expected_ = nullptr;
  }
  static SafetensorsFile* expected_;
};
SafetensorsFile* FixtureParity::expected_ = nullptr;

TEST_F(FixtureParity, SingleSequenceLogits) {
  for (std::string layout : kLayouts) {
    SCOPED_TRACE(layout);
    auto model = MptModel::load(fixture(layout));
    for (int i = 0; i < 4; ++i) {
      std::vector<int64_t> shape;
      auto ids = to_ids(golden<int64_t>(*expected_, "input_ids_" + std::to_string(i)));
      auto want = golden<float>(*expected_, "logits_" + std::to_string(i), &shape);
      auto got = model->logits(ids);
      ASSERT_EQ(got.size(), ids.size());
      double diff = max_abs_diff(got, want.data(), shape[1]);
      std::printf("%s: sequence of %zu tokens: max |logit - HF| = %.3g\n", layout.c_str(), ids.size(), diff);
      EXPECT_LT(diff, kTol) << "sequence " << i << " of " << ids.size() << " tokens";
    }
  }
}

TEST_F(FixtureParity, PaddedBatchAtUnmaskedPositions) {
  for (std::string layout : kLayouts) {
    SCOPED_TRACE(layout);
    auto model = MptModel::load(fixture(layout));
    std::vector<int64_t> shape;
    auto ids = golden<int64_t>(*expected_, "batch_input_ids", &shape);
    auto mask = golden<int64_t>(*expected_, "batch_attention_mask");
    auto want = golden<float>(*expected_, "batch_logits");
    const int64_t B = shape[0], T = shape[1], V = model->config().vocab_size;
    std::vector<TokenIds> rows(B);
    for (int64_t b = 0; b < B; ++b)
      for (int64_t t = 0; t < T && mask[b * T + t]; ++t) rows[b].push_back(static_cast<int32_t>(ids[b * T + t]));
    ASSERT_EQ(rows[1].size(), 12u);
    ASSERT_EQ(rows[2].size(), 5u);
    auto got = model->logits(rows);
    for (int64_t b = 0; b < B; ++b) {
      double diff = max_abs_diff(got[b], want.data() + b * T * V, V);
      std::printf("%s: batch row %ld (%zu tokens): max |logit - HF| = %.3g\n", layout.c_str(), long(b), rows[b].size(),
                  diff);
      EXPECT_LT(diff, kTol) << "row " << b;
    }
  }
}

TEST_F(FixtureParity, GreedyGenerationTokenForToken) {
  for (std::string layout : kLayouts) {
    SCOPED_TRACE(layout);
    auto model = MptModel::load(fixture(layout));
    std::vector<GenerationJob> jobs(2);
    for (int i = 0; i < 2; ++i) {
      jobs[i].prompt = to_ids(golden<int64_t>(*expected_, "gen_prompt_" + std::to_string(i)));
      jobs[i].max_new_tokens = 20;
    }
    // Batched (left-padded, prompts of 5 and 11 tokens) and one by one must both match HF.
    for (int64_t batch : {2, 1}) {
      auto out = generate(*model, jobs, {.max_batch_rows = batch});
      for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(out[i].tokens, to_ids(golden<int64_t>(*expected_, "gen_output_" + std::to_string(i))))
            << "prompt " << i << ", batch " << batch;
        EXPECT_EQ(out[i].end, GenerationEnd::Length);
      }
    }
  }
}

// HF's MptForCausalLM ignores these settings, so a checkpoint it wrote lacks the tensors they call
// for and HF computes it as its tensors say: so must mpt-eval (config_reconcile.h).
TEST_F(FixtureParity, SettingsHfIgnoresFollowTheTensors) {
  for (const char* patch : {R"({"no_bias": false, "expansion_ratio": 2, "attn_config": {"qk_ln": true,
                                "attn_type": "grouped_query_attention", "kv_n_heads": 2, "fused_qkv": false}})",
                            R"({"learned_pos_emb": true, "attn_config": {"alibi": false}})"}) {
    SCOPED_TRACE(patch);
    const std::string dir = ::testing::TempDir() + "/parity-hf-settings";
    std::filesystem::remove_all(dir);
    std::filesystem::copy(fixture("mpt-tiny"), dir);
    auto config = nlohmann::json::parse(read_file(dir + "/config.json"));
    config.merge_patch(nlohmann::json::parse(patch));
    std::filesystem::permissions(dir + "/config.json", std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
    write_file_atomic(dir + "/config.json", config.dump());
    auto model = MptModel::load(dir);
    EXPECT_FALSE(model->load_report().adjustments.empty());
    std::vector<int64_t> shape;
    auto ids = to_ids(golden<int64_t>(*expected_, "input_ids_2"));
    auto want = golden<float>(*expected_, "logits_2", &shape);
    EXPECT_LT(max_abs_diff(model->logits(ids), want.data(), shape[1]), kTol);
  }
}

TEST_F(FixtureParity, LayoutsAreDetected) {
  EXPECT_EQ(MptModel::load(fixture("mpt-tiny"))->load_report().layout, "safetensors");
  EXPECT_EQ(MptModel::load(fixture("mpt-tiny-sharded"))->load_report().layout, "sharded safetensors");
  auto bin = MptModel::load(fixture("mpt-tiny-bin"));
  EXPECT_EQ(bin->load_report().layout, "torch .bin");
  EXPECT_TRUE(bin->load_report().unexpected.empty());  // the tied lm_head.weight copy is expected
  EXPECT_EQ(MptModel::load(fixture("mpt-tiny-sharded"))->files().size(), 11u);  // config, index, 9 shards
  EXPECT_EQ(MptModel::load(fixture("mpt-tiny-bin-sharded"))->load_report().layout, "sharded torch .bin");
}

}  // namespace
}  // namespace mpt::test
