// The init, logits and generate subcommands end to end, through the built binary: the path by which
// held-back checkpoints are checked.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>

#include "models/mpt_model.h"
#include "tests/cli/run_command.h"
#include "tests/models/fixture_util.h"

namespace mpt::test {
namespace {

TEST(ModelCli, LogitsJsonMatchesTheHfFixture) {
  SafetensorsFile expected(fixture("mpt-tiny/expected.safetensors"));
  std::vector<int64_t> shape;
  auto ids = golden<int64_t>(expected, "input_ids_1");
  auto want = golden<float>(expected, "logits_1", &shape);
  std::string id_text;
  for (int64_t id : ids) id_text += std::to_string(id) + " ";
  for (const char* layout : {"mpt-tiny", "mpt-tiny-sharded", "mpt-tiny-bin"}) {
    auto r = run_mpt_eval({"logits", "--model", fixture(layout), "--ids", id_text});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j["logits"].size(), ids.size());
    double worst = 0;
    for (size_t t = 0; t < ids.size(); ++t) {
      ASSERT_EQ(j["logits"][t].size(), static_cast<size_t>(shape[1]));
      for (int64_t v = 0; v < shape[1]; ++v)
        worst = std::max(worst, std::fabs(j["logits"][t][v].get<double>() - want[t * shape[1] + v]));
    }
    EXPECT_LT(worst, 1e-4) << layout;  // as in fixture_parity_test.cpp
    EXPECT_EQ(j["dtype"], "fp32");
  }
}

TEST(ModelCli, GenerateMatchesTheHfGreedyOutput) {
  SafetensorsFile expected(fixture("mpt-tiny/expected.safetensors"));
  std::string prompt, want;
  for (int64_t id : golden<int64_t>(expected, "gen_prompt_1")) prompt += std::to_string(id) + ",";
  for (int64_t id : golden<int64_t>(expected, "gen_output_1")) {
    if (!want.empty()) want += ' ';
    want += std::to_string(id);
  }
  auto r = run_mpt_eval({"generate", "--model", fixture("mpt-tiny-bin"), "--ids", prompt, "--max-new-tokens", "20"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), want);  // the ids; the decoded text follows on the next line
  auto js = run_mpt_eval({"generate", "--model", fixture("mpt-tiny"), "--ids", prompt, "--max-new-tokens", "3", "--json"});
  ASSERT_EQ(js.exit_code, 0) << js.err;
  auto j = nlohmann::json::parse(js.out);
  EXPECT_EQ(j["new_ids"].size(), 3u);
  EXPECT_EQ(j["finish_reason"], "length");
  EXPECT_TRUE(j["text"].is_string());
}

TEST(ModelCli, InitWritesALoadableCheckpointWithTheRequestedVocabulary) {
  const std::string dir = ::testing::TempDir() + "/cli-init";
  std::filesystem::remove_all(dir);
  auto r = run_mpt_eval({"init", "--shape", "tiny", "--vocab-size", "50432", "--out", dir, "--seed", "5", "--dtype", "bf16"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, dir + "\n");
  auto model = MptModel::load(dir);
  EXPECT_EQ(model->config().vocab_size, 50432);
  auto logits = run_mpt_eval({"logits", "--model", dir, "--ids", "50431 0 7", "--dtype", "bf16"});
  ASSERT_EQ(logits.exit_code, 0) << logits.err;
  EXPECT_EQ(nlohmann::json::parse(logits.out)["logits"][2].size(), 50432u);
  // Same architecture from a config file; sampling options; a second init refuses to overwrite.
  auto again = run_mpt_eval({"init", "--config", fixture("mpt-tiny/config.json"), "--out", dir});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("output directory already holds a checkpoint"), std::string::npos) << again.err;
  auto forced = run_mpt_eval({"init", "--config", fixture("mpt-tiny/config.json"), "--out", dir, "--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(MptModel::load(dir)->config().max_seq_len, 64);
  auto sampled = run_mpt_eval({"generate", "--model", dir, "--ids", "1 2", "--max-new-tokens", "4", "--temperature", "0.7",
                               "--top-k", "10", "--top-p", "0.9", "--seed", "3"});
  ASSERT_EQ(sampled.exit_code, 0) << sampled.err;
  EXPECT_EQ(sampled.out, run_mpt_eval({"generate", "--model", dir, "--ids", "1 2", "--max-new-tokens", "4", "--temperature",
                                       "0.7", "--top-k", "10", "--top-p", "0.9", "--seed", "3"}).out);
}

struct BadRun {
  std::vector<std::string> args;
  int code;
  const char* message;
};

TEST(ModelCli, BadInputIsExitCode2WithAMessage) {
  const std::string tiny = fixture("mpt-tiny");
  const std::vector<BadRun> runs = {
      {{"logits", "--ids", "1 2"}, 2, "--model is required"},
      {{"logits", "--model", tiny, "--ids", "1 x 2"}, 2, "bad token id list (--ids): expected non-negative integers"},
      {{"logits", "--model", tiny, "--ids", ""}, 2, "empty token id list"},
      {{"logits", "--model", tiny, "--ids", "1 320"}, 2, "token id out of range"},
      {{"logits", "--model", tiny + "/missing", "--ids", "1"}, 2, "checkpoint directory not found"},
      {{"logits", "--model", tiny, "--ids", "1", "--dtype", "fp16"}, 2, "fp16 is not supported on CPU"},
      {{"logits", "--model", tiny, "--ids", "1", "--dtype", "int8"}, 2, "unknown dtype (--dtype)"},
      {{"logits", "--model", tiny, "--ids", "1", "--device", "tpu"}, 2, "unknown device (--device tpu)"},
      {{"generate", "--model", tiny, "--ids", "1", "--max-new-tokens", "2", "--top-p", "1.5"}, 2, "bad top-p"},
      {{"init", "--shape", "tiny", "--config", "x.json", "--out", "y"}, 2, "excludes"},
      {{"init", "--out", "y"}, 2, "exactly one of --config FILE or --shape NAME"},
      {{"init", "--shape", "gpt2", "--out", "y"}, 2, "unknown model shape (--shape): expected tiny|mpt-125m"},
  };
  for (const auto& run : runs) {
    auto r = run_mpt_eval(run.args);
    EXPECT_EQ(r.exit_code, run.code) << run.args[0] << " " << r.err;
    EXPECT_NE(r.err.find(run.message), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

}  // namespace
}  // namespace mpt::test
