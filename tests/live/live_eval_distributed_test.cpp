// LiveEvaluator inside a two-rank job, over the trainer's own Gloo group (world_from_process_group):
// two threads play the ranks, each with its own replica of the model. Only rank 0 writes, and the
// numbers are those of a single-process evaluation (exact mode: bit-identical for any rank count).
#include "dist/world_c10d.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "harness/live_eval.h"
#include "models/mpt_model.h"
#include "tests/distributed/process_group.h"
#include "tests/distributed/trainer_group.h"
#include "tests/live/live_test_support.h"

namespace mpt {
namespace {

TEST(LiveEvalDistributed, TwoRanksOnTheTrainersGroupOnlyRankZeroWrites) {
  const std::string dir = test::fresh_dir("distributed");
  LiveEvalConfig config;
  config.tasks_path = test::small_tasks_file(dir);
  config.limit = 3;
  config.label = "live-dist";

  config.db_path = dir + "/single.db";
  auto single_model = MptModel::random(test::tiny_neox_config(), {}, 7);
  const LiveEvalResult single = LiveEvaluator(config).evaluate(*single_model, 40);

  config.db_path = dir + "/dist.db";
  const int port = test::free_port();
  // Each rank's replica, made before the threads start: MptModel::random draws from libtorch's
  // global generator, which two threads must not seed and draw from at once.
  std::unique_ptr<MptModel> replicas[2] = {MptModel::random(test::tiny_neox_config(), {}, 7),
                                           MptModel::random(test::tiny_neox_config(), {}, 7)};
  LiveEvalResult results[2];
  auto rank_main = [&](int rank) {
    auto [store, pg] = test::trainer_gloo_group(port, rank, 2);
    auto world = dist::world_from_process_group({pg, store, "cpu", rank});
    LiveEvaluator evaluator(config, world.get());
    results[rank] = evaluator.evaluate(*replicas[rank], 40);
    world->finish();
  };
  std::thread other(rank_main, 1);
  rank_main(0);
  other.join();

  EXPECT_TRUE(results[0].outcome.wrote);
  EXPECT_FALSE(results[1].outcome.wrote);
  EXPECT_TRUE(results[1].metrics.empty());
  EXPECT_EQ(results[0].metrics, single.metrics);
  EXPECT_EQ(test::runs_per_step(config.db_path, "completed"), (std::map<int64_t, int64_t>{{40, 1}}));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mpt
