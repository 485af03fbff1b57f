// The live-evaluation hook (harness/live_eval.h): in place, model left exactly as found (bytes,
// requires_grad, gradients, mode), also when evaluation fails; prepared once; runs in the store.
#include <ATen/core/Tensor.h>
#include <ATen/ops/ones_like.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "common/error.h"
#include "common/paths.h"
#include "harness/live_eval.h"
#include "models/mpt_model.h"
#include "tests/live/live_test_support.h"

namespace mpt {
namespace {

namespace fs = std::filesystem;

struct Snapshot {
  std::vector<std::vector<char>> bytes;
  std::vector<bool> requires_grad;
  std::vector<std::vector<char>> grads;  // empty when undefined
  bool training = false;
};

std::vector<char> bytes_of(const at::Tensor& t) {
  at::Tensor c = t.detach().contiguous();
  std::vector<char> b(c.nbytes());
  std::memcpy(b.data(), c.data_ptr(), b.size());
  return b;
}

Snapshot snapshot(MptModel& m) {
  Snapshot s;
  for (auto& [name, p] : m.named_parameters()) {
    s.bytes.push_back(bytes_of(p));
    s.requires_grad.push_back(p.requires_grad());
    s.grads.push_back(p.grad().defined() ? bytes_of(p.grad()) : std::vector<char>{});
  }
  s.training = m.training();
  return s;
}

void expect_same(const Snapshot& a, const Snapshot& b) {
  ASSERT_EQ(a.bytes.size(), b.bytes.size());
  for (size_t i = 0; i < a.bytes.size(); ++i) {
    EXPECT_TRUE(a.bytes[i] == b.bytes[i]) << "parameter " << i << " changed";  // bit-identical
    EXPECT_EQ(a.requires_grad[i], b.requires_grad[i]) << "parameter " << i;
    EXPECT_TRUE(a.grads[i] == b.grads[i]) << "gradient " << i << " changed";
  }
  EXPECT_EQ(a.training, b.training);
}

class LiveEval : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    config_.tasks_path = test::small_tasks_file(dir_);
    config_.limit = 3;
    config_.db_path = dir_ + "/live.db";
    config_.label = "live-test";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string dir_;
  LiveEvalConfig config_;
};

// Training mode, some parameters requiring grad with gradients present, others frozen.
TEST_F(LiveEval, LeavesATrainingModelExactlyAsItFoundIt) {
  auto model = MptModel::random(test::tiny_neox_config(), {}, 1);
  auto params = model->named_parameters();
  for (size_t i = 0; i < params.size(); ++i) {
    params[i].second.requires_grad_(i % 2 == 0);
    if (i % 2 == 0) params[i].second.mutable_grad() = at::ones_like(params[i].second);
  }
  model->set_training(true);
  LiveEvaluator evaluator(config_);
  const Snapshot before = snapshot(*model);
  LiveEvalResult r = evaluator.evaluate(*model, 100);
  expect_same(before, snapshot(*model));
  EXPECT_TRUE(r.outcome.wrote);
  EXPECT_EQ(r.metrics.size(), 2u);
  EXPECT_TRUE(r.metrics.count("lambada_openai/0-shot"));
  EXPECT_TRUE(r.metrics.count("piqa/0-shot"));
  EXPECT_EQ(test::runs_per_step(config_.db_path, "completed"), (std::map<int64_t, int64_t>{{100, 1}}));
}

TEST_F(LiveEval, LeavesAnEvaluationModeModelExactlyAsItFoundIt) {
  auto model = MptModel::random(test::tiny_neox_config(), {}, 2);
  LiveEvaluator evaluator(config_);
  const Snapshot before = snapshot(*model);
  evaluator.evaluate(*model, 5);
  expect_same(before, snapshot(*model));
}

// A real failure inside the run: the model's vocabulary (320) is smaller than the tokenizer's
// ids, so the forward pass rejects the requests. Mode and parameters must still be restored, and
// the store must hold the failed run.
TEST_F(LiveEval, RestoresTheModelWhenEvaluationFails) {
  MptConfig small = MptConfig::preset("tiny");
  auto model = MptModel::random(small, {}, 3);
  for (auto& [name, p] : model->named_parameters()) p.requires_grad_(true);
  model->set_training(true);
  LiveEvaluator evaluator(config_);
  const Snapshot before = snapshot(*model);
  EXPECT_THROW(evaluator.evaluate(*model, 7), Error);
  expect_same(before, snapshot(*model));
  EXPECT_EQ(test::runs_per_step(config_.db_path, "failed"), (std::map<int64_t, int64_t>{{7, 1}}));
}

// Prepared once: after construction the task file and the data files are gone, and evaluation
// still works at every step (nothing is read or prepared again).
TEST_F(LiveEval, PreparesTheSuiteOnceAndReusesIt) {
  const std::string data = dir_ + "/data";
  for (const char* rel : {"language_understanding/lambada_openai.jsonl", "commonsense_reasoning/piqa.jsonl"}) {
    fs::create_directories(fs::path(data) / fs::path(rel).parent_path());
    fs::copy_file(bundled_path(std::string("icl/") + rel), fs::path(data) / rel);
  }
  config_.data_root = data;
  LiveEvaluator evaluator(config_);
  const EvalSuite* suite = &evaluator.suite();
  fs::remove_all(data);
  fs::remove(config_.tasks_path);
  auto model = MptModel::random(test::tiny_neox_config(), {}, 4);
  LiveEvalResult a = evaluator.evaluate(*model, 10);
  LiveEvalResult b = evaluator.evaluate(*model, 20);
  EXPECT_EQ(&evaluator.suite(), suite);
  EXPECT_NE(a.outcome.run_id, b.outcome.run_id);
  EXPECT_EQ(a.metrics, b.metrics);  // same weights, same answers (exact mode)
  EXPECT_EQ(test::runs_per_step(config_.db_path, "completed"), (std::map<int64_t, int64_t>{{10, 1}, {20, 1}}));
}

// LLM Foundry's v0.3 gauntlet over the two tasks: partial categories, reported under "gauntlet/".
TEST_F(LiveEval, ReturnsGauntletScores) {
  config_.gauntlet_path = bundled_path("icl/yamls/eval_gauntlet_v0.3.yaml");
  LiveEvaluator evaluator(config_);
  auto model = MptModel::random(test::tiny_neox_config(), {}, 6);
  LiveEvalResult r = evaluator.evaluate(*model, 3);
  ASSERT_TRUE(r.outcome.gauntlet.has_value());
  int gauntlet_keys = 0;
  for (const auto& [key, value] : r.metrics) gauntlet_keys += key.rfind("gauntlet/", 0) == 0;
  EXPECT_GT(gauntlet_keys, 0);
  EXPECT_TRUE(r.metrics.count("piqa/0-shot"));
}

TEST_F(LiveEval, RejectsAModelOnAnotherDeviceOrLength) {
  config_.device = "cuda:0";
  LiveEvaluator evaluator(config_);
  auto model = MptModel::random(test::tiny_neox_config(), {}, 5);
  EXPECT_THROW(evaluator.evaluate(*model, 1), Error);
  LiveEvalConfig other = config_;
  other.device = "";
  other.max_seq_len = 512;
  LiveEvaluator shorter(other);
  EXPECT_THROW(shorter.evaluate(*model, 1), Error);
}

}  // namespace
}  // namespace mpt
