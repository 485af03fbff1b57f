// MptModel as a trainable model: named_parameters() are the live tensors, training mode records
// autograd graphs and gives finite gradients for every parameter, evaluation mode never does.
#include <ATen/core/Tensor.h>
#include <ATen/ops/cross_entropy_loss.h>
#include <ATen/ops/equal.h>
#include <ATen/ops/isfinite.h>
#include <ATen/ops/tensor.h>
#include <gtest/gtest.h>

#include <set>

#include "models/mpt_model.h"

namespace mpt {
namespace {

MptConfig small_config(bool fused = true) {
  MptConfig c = MptConfig::preset("tiny");  // vocab 320
  c.no_bias = false;                        // biases too, so that every kind of tensor is trained
  c.attention_bias = true;
  c.fused_qkv = fused;
  return c;
}

const std::vector<TokenIds> kRows = {{1, 5, 9, 13, 17, 21}, {2, 4, 6, 8, 10, 12}};

at::Tensor loss_of(MptModel& model) {
  at::Tensor logits = model.unembed(model.hidden(kRows));  // [2, 6, 320]
  at::Tensor targets = at::tensor(std::vector<int64_t>{5, 9, 13, 17, 21, 25, 4, 6, 8, 10, 12, 14}, at::kLong);
  return at::cross_entropy_loss(logits.view({-1, logits.size(-1)}), targets);
}

TEST(LiveModel, NamedParametersAreTheLiveTensors) {
  auto model = MptModel::random(small_config(), {}, 3);
  auto params = model->named_parameters();
  std::set<std::string> names;
  for (auto& [name, p] : params) names.insert(name);
  EXPECT_EQ(names.size(), params.size());
  EXPECT_TRUE(names.count("transformer.wte.weight"));
  EXPECT_TRUE(names.count("transformer.blocks.1.attn.Wqkv.bias"));
  EXPECT_TRUE(names.count("transformer.norm_f.weight"));
  EXPECT_FALSE(names.count("lm_head.weight"));  // tied
  // Same storage: a change made through the handle changes what the model computes.
  const float before = model->logits(kRows[0])[0][0];
  for (auto& [name, p] : params)
    if (name == "transformer.wte.weight") p.mul_(2.0);
  EXPECT_NE(model->logits(kRows[0])[0][0], before);
  EXPECT_EQ(model->named_parameters().front().second.data_ptr(), params.front().second.data_ptr());
}

TEST(LiveModel, NonFusedCheckpointsExposeTheFusedTensor) {
  auto model = MptModel::random(small_config(/*fused=*/false), {}, 3);
  std::set<std::string> names;
  for (auto& [name, p] : model->named_parameters()) names.insert(name);
  EXPECT_TRUE(names.count("transformer.blocks.0.attn.Wqkv.weight"));
  EXPECT_FALSE(names.count("transformer.blocks.0.attn.Wq.weight"));
}

TEST(LiveModel, TrainingModeGivesFiniteGradientsForEveryParameter) {
  auto model = MptModel::random(small_config(), {}, 4);
  auto params = model->named_parameters();
  for (auto& [name, p] : params) p.requires_grad_(true);
  model->set_training(true);
  EXPECT_TRUE(model->training());
  at::Tensor loss = loss_of(*model);
  ASSERT_TRUE(loss.requires_grad());
  loss.backward();
  for (auto& [name, p] : params) {
    ASSERT_TRUE(p.grad().defined()) << name;
    EXPECT_TRUE(at::isfinite(p.grad()).all().item<bool>()) << name;
    EXPECT_GT(p.grad().abs().sum().item<double>(), 0.0) << name;
  }
}

TEST(LiveModel, EvaluationModeRecordsNoGraph) {
  auto model = MptModel::random(small_config(), {}, 4);
  for (auto& [name, p] : model->named_parameters()) p.requires_grad_(true);
  EXPECT_FALSE(model->training());  // the default
  at::Tensor loss = loss_of(*model);
  EXPECT_FALSE(loss.requires_grad());
  // Training and evaluation compute the same numbers (no dropout: MptConfig ignores pdrop).
  model->set_training(true);
  at::Tensor trained = loss_of(*model);
  EXPECT_NEAR(trained.item<double>(), loss.item<double>(), 1e-6);  // same ops; 1e-6 allows reordered float sums
}

}  // namespace
}  // namespace mpt
