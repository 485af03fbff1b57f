// checkpoint_probe.h: step parsing and completeness of half-written checkpoints.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/checkpoint_probe.h"
#include "tests/live/live_test_support.h"

namespace mpt {
namespace {

namespace fs = std::filesystem;

TEST(CheckpointProbe, StepFromName) {
  EXPECT_EQ(step_from_name("step-1000"), 1000);
  EXPECT_EQ(step_from_name("step_1000"), 1000);
  EXPECT_EQ(step_from_name("step1000"), 1000);
  EXPECT_EQ(step_from_name("global_step42"), 42);
  EXPECT_EQ(step_from_name("ep0-ba1000"), 1000);
  EXPECT_EQ(step_from_name("ep3-ba250-rank0"), 250);
  EXPECT_EQ(step_from_name("checkpoint-500"), 500);
  EXPECT_EQ(step_from_name("ba77"), 77);
  EXPECT_EQ(step_from_name("latest"), std::nullopt);
  EXPECT_EQ(step_from_name("step-"), std::nullopt);
  EXPECT_EQ(step_from_name("mystep-10x"), std::nullopt);
}

class Probe : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::fresh_dir("probe"); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(Probe, CompleteCheckpointAndItsTruncations) {
  const std::string full = dir_ + "/step-10";
  test::write_tiny_checkpoint(full, 1);
  CheckpointProbe p = probe_checkpoint(full);
  EXPECT_TRUE(p.complete) << p.incomplete_reason;
  EXPECT_EQ(p.step, 10);
  EXPECT_EQ(p.step_source, "name");

  // The same weights cut short: header intact, data missing.
  const std::string cut = dir_ + "/step-20";
  fs::create_directories(cut);
  fs::copy_file(full + "/config.json", cut + "/config.json");
  const auto size = fs::file_size(full + "/model.safetensors");
  std::ifstream in(full + "/model.safetensors", std::ios::binary);
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  for (size_t keep : {size_t{4}, size_t{100}, size / 2, size - 1}) {
    std::ofstream(cut + "/model.safetensors", std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(keep));
    CheckpointProbe q = probe_checkpoint(cut);
    EXPECT_FALSE(q.complete) << keep;
    EXPECT_NE(q.incomplete_reason, "");
  }
  std::ofstream(cut + "/model.safetensors", std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(size));
  EXPECT_TRUE(probe_checkpoint(cut).complete);
  EXPECT_EQ(probe_checkpoint(cut).signature, probe_checkpoint(cut).signature);

  // A half-written config.json.
  std::ofstream(cut + "/config.json", std::ios::trunc) << "{\"d_model\": 6";
  EXPECT_FALSE(probe_checkpoint(cut).complete);
}

TEST_F(Probe, StepFilesAndMissingWeights) {
  const std::string d = dir_ + "/latest";
  test::write_tiny_checkpoint(d, 2);
  EXPECT_TRUE(probe_checkpoint(d).complete);
  EXPECT_EQ(probe_checkpoint(d).step, std::nullopt);
  std::ofstream(d + "/trainer_state.json") << R"({"global_step": 300, "epoch": 1.0})";
  EXPECT_EQ(probe_checkpoint(d).step, 300);
  EXPECT_EQ(probe_checkpoint(d).step_source, "trainer_state.json");
  std::ofstream(d + "/step") << "12";  // the step file wins over trainer_state.json
  EXPECT_EQ(probe_checkpoint(d).step, 12);
  std::ofstream(d + "/step", std::ios::trunc) << "";  // being written
  EXPECT_FALSE(probe_checkpoint(d).complete);
  fs::remove(d + "/step");
  fs::remove(d + "/model.safetensors");
  EXPECT_FALSE(probe_checkpoint(d).complete);
  EXPECT_EQ(probe_checkpoint(d).incomplete_reason, "no weight file yet");
}

TEST(CheckpointProbeFixtures, EveryBundledLayoutIsComplete) {
  for (const char* name : {"mpt-tiny", "mpt-tiny-sharded", "mpt-tiny-bin", "mpt-tiny-bin-sharded", "mpt-tiny-bin-zip64"}) {
    CheckpointProbe p = probe_checkpoint(std::string(MPTEVAL_TEST_FIXTURES) + "/" + name);
    EXPECT_TRUE(p.complete) << name << ": " << p.incomplete_reason;
  }
}

}  // namespace
}  // namespace mpt
