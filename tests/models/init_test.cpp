// The random-checkpoint writer behind `mpt-eval init`: determinism, sharding, dtypes, statistics,
// and refusing to overwrite a checkpoint by accident.
#include "models/random_checkpoint.h"

#include <gtest/gtest.h>

#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "common/interrupt.h"
#include "models/mpt_model.h"
#include "models/safetensors_file.h"
#include "tests/models/fixture_util.h"

namespace mpt::test {
namespace {
namespace fs = std::filesystem;

std::string fresh_dir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "/init-" + name;
  fs::remove_all(dir);
  return dir;
}

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(RandomCheckpoint, SameSeedSameBytesOtherSeedOtherBytes) {
  const MptConfig c = MptConfig::preset("tiny");
  const std::string a = fresh_dir("a"), b = fresh_dir("b"), other = fresh_dir("c");
  write_random_checkpoint(c, {.seed = 1}, a);
  write_random_checkpoint(c, {.seed = 1}, b);
  write_random_checkpoint(c, {.seed = 2}, other);
  EXPECT_EQ(bytes_of(a + "/model.safetensors"), bytes_of(b + "/model.safetensors"));
  EXPECT_EQ(bytes_of(a + "/config.json"), bytes_of(b + "/config.json"));
  EXPECT_NE(bytes_of(a + "/model.safetensors"), bytes_of(other + "/model.safetensors"));
}

TEST(RandomCheckpoint, ShardsAboveTheLimitWithAnIndexAndTheSameWeights) {
  const MptConfig c = MptConfig::preset("tiny");
  const std::string one = fresh_dir("one"), many = fresh_dir("many");
  write_random_checkpoint(c, {.seed = 4}, one);
  write_random_checkpoint(c, {.seed = 4, .max_shard_bytes = 100 << 10}, many);
  EXPECT_FALSE(fs::exists(many + "/model.safetensors"));
  EXPECT_TRUE(fs::exists(many + "/model.safetensors.index.json"));
  // 466 KiB in shards of at most 100 KiB (the 80 KiB embedding and the 64 KiB MLP matrices pack badly).
  for (int k = 1; k <= 7; ++k)
    EXPECT_TRUE(fs::exists(many + "/model-0000" + std::to_string(k) + "-of-00007.safetensors")) << k;
  for (const auto& e : fs::directory_iterator(many)) {
    if (e.path().extension() == ".safetensors") { EXPECT_LE(fs::file_size(e.path()), (100u << 10) + 4096) << e.path(); }  // + header
  }
  auto a = MptModel::load(one), b = MptModel::load(many);
  EXPECT_EQ(b->load_report().layout, "sharded safetensors");
  EXPECT_EQ(a->logits(TokenIds{1, 2, 3}), b->logits(TokenIds{1, 2, 3}));  // bit-identical weights
}

TEST(RandomCheckpoint, InitialisationStatistics) {
  MptConfig c = MptConfig::preset("tiny");
  c.vocab_size = 50432;  // the NeoX vocabulary: 3.2M embedding values
  const std::string dir = fresh_dir("stats");
  write_random_checkpoint(c, {.seed = 9}, dir);
  SafetensorsFile f(dir + "/model.safetensors");
  auto moments = [&](const std::string& name) {
    const RawTensor* t = f.find(name);
    const float* p = reinterpret_cast<const float*>(t->data);
    double sum = 0, sq = 0;
    for (int64_t i = 0; i < t->numel(); ++i) sum += p[i], sq += double(p[i]) * p[i];
    double mean = sum / t->numel();
    return std::pair{mean, std::sqrt(sq / t->numel() - mean * mean)};
  };
  auto [m, s] = moments("transformer.wte.weight");
  EXPECT_NEAR(m, 0.0, 1e-4);
  EXPECT_NEAR(s, 0.02, 1e-4);  // standard error of the std estimate: 0.02 / sqrt(2 * 3.2M) ~ 8e-6
  EXPECT_NEAR(moments("transformer.blocks.0.ffn.down_proj.weight").second, 0.02 / std::sqrt(4.0), 5e-4);  // std / sqrt(2 * n_layers)
  EXPECT_EQ(moments("transformer.norm_f.weight"), std::pair(1.0, 0.0));
}

TEST(RandomCheckpoint, HalfPrecisionFilesLoad) {
  const MptConfig c = MptConfig::preset("tiny");
  const std::string f32 = fresh_dir("f32"), bf16 = fresh_dir("bf16"), f16 = fresh_dir("f16");
  write_random_checkpoint(c, {.seed = 3}, f32);
  write_random_checkpoint(c, {.seed = 3, .dtype = DType::BF16}, bf16);
  write_random_checkpoint(c, {.seed = 3, .dtype = DType::F16}, f16);
  EXPECT_EQ(SafetensorsFile(bf16 + "/model.safetensors").find("transformer.wte.weight")->dtype, WireDType::BF16);
  EXPECT_EQ(MptConfig::from_file(bf16 + "/config.json").torch_dtype, "bfloat16");
  auto ref = MptModel::load(f32)->logits(TokenIds{4, 5, 6});
  for (const std::string& dir : {bf16, f16}) {
    auto got = MptModel::load(dir)->logits(TokenIds{4, 5, 6});  // converted to float32 on load
    double worst = 0;
    for (size_t t = 0; t < 3; ++t)
      for (size_t v = 0; v < got[t].size(); ++v) worst = std::max(worst, std::fabs(double(got[t][v]) - ref[t][v]));
    EXPECT_LT(worst, 0.02) << dir;  // only the weights were rounded (bf16: 2^-9 relative)
    EXPECT_GT(worst, 0.0) << dir;
  }
}

TEST(RandomCheckpoint, RefusesToOverwriteWithoutPermission) {
  const MptConfig c = MptConfig::preset("tiny");
  const std::string dir = fresh_dir("twice");
  write_random_checkpoint(c, {.seed = 1}, dir);
  try {
    write_random_checkpoint(c, {.seed = 2}, dir);
    FAIL() << "overwrote";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_NE(std::string(e.what()).find("output directory already holds a checkpoint (" + dir + ")"), std::string::npos) << e.what();
  }
  write_random_checkpoint(c, {.seed = 2, .max_shard_bytes = 100 << 10, .overwrite = true}, dir);
  EXPECT_FALSE(fs::exists(dir + "/model.safetensors"));  // the old single file is gone, not shadowing the shards
  EXPECT_EQ(MptModel::load(dir)->load_report().layout, "sharded safetensors");
}


// Without a size check, `init --vocab-size 3000000000` started writing 768 GB.
TEST(RandomCheckpoint, RefusesWhatTheDiskCannotHoldBeforeWritingAnything) {
  MptConfig c = MptConfig::preset("tiny");
  c.vocab_size = 2000000000;  // ~0.5 PB of fp32 embeddings: larger than any test machine's disk
  const std::string dir = fresh_dir("too-large");
  try {
    write_random_checkpoint(c, {}, dir);
    FAIL() << "wrote";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_NE(std::string(e.what()).find("not enough free space for the checkpoint (" + dir + ")"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(fs::exists(dir)) << "nothing is created before the check";
}

// SIGINT/SIGTERM during init: the temporary file goes, nothing is left under a final name.
TEST(RandomCheckpoint, AnInterruptLeavesNoTemporaryOrPartialFile) {
  const std::string dir = fresh_dir("interrupted");
  simulate_interrupt(SIGTERM);
  try {
    write_random_checkpoint(MptConfig::preset("tiny"), {}, dir);
    simulate_interrupt(0);
    FAIL() << "not interrupted";
  } catch (const Error& e) {
    simulate_interrupt(0);
    EXPECT_EQ(e.kind(), ErrorKind::Interrupted);
    EXPECT_NE(std::string(e.what()).find("interrupted by SIGTERM"), std::string::npos) << e.what();
  }
  for (const auto& entry : fs::directory_iterator(dir)) ADD_FAILURE() << "left behind: " << entry.path();
}

}  // namespace
}  // namespace mpt::test
