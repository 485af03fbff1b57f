// A World over a process group the caller already has (a training job's), in one process: two
// threads play the two ranks of a Gloo group.
#include "dist/world_c10d.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/error.h"
#include "tests/distributed/process_group.h"
#include "tests/distributed/trainer_group.h"

namespace mpt::dist {
namespace {

TEST(WorldFromProcessGroup, UsesTheTrainersGroupAndLeavesItWorking) {
  const int port = test::free_port();
  auto rank_main = [&](int rank) {
    auto [store, pg] = test::trainer_gloo_group(port, rank, 2);

    WorldOptions w;
    w.heartbeat = std::chrono::milliseconds(50);
    {
      auto world = world_from_process_group({pg, store, "cpu", rank}, w);
      EXPECT_EQ(world->rank(), rank);
      EXPECT_EQ(world->size(), 2);
      EXPECT_EQ(world->backend(), "gloo");
      auto all = world->communicator().allgather(std::string(static_cast<size_t>(rank + 1), 'x'));
      EXPECT_EQ(all, (std::vector<std::string>{"x", "xx"}));
      EXPECT_EQ(world->communicator().broadcast(rank == 1 ? "from one" : "", 1), "from one");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // heartbeats flow through the trainer's store
      EXPECT_NO_THROW(world->check());
      world->finish();
    }
    // The trainer's group is untouched and still usable.
    std::vector<at::Tensor> t{at::ones({3})};
    pg->allreduce(t)->wait();
    EXPECT_EQ(t[0][0].item<float>(), 2.0f);
  };
  std::thread other(rank_main, 1);
  rank_main(0);
  other.join();
}

TEST(WorldFromProcessGroup, RejectsANullGroup) {
  EXPECT_THROW(world_from_process_group(ExistingGroup<C10dBackend>{}), Error);
}

}  // namespace
}  // namespace mpt::dist
