// A training job's own Gloo process group on loopback, as a trainer would make it (its TCPStore,
// its PrefixStore "trainer"): for tests of World / LiveEvaluator over an existing group. Includes
// c10d: only for the test translation units that need it (compiled with USE_C10D_GLOO).
#pragma once

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <cstdint>

namespace mpt::test {

struct TrainerGroup {
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

// Rank `rank` of `size` (rank 0 hosts the store on `port`); blocks until every rank has joined.
inline TrainerGroup trainer_gloo_group(int port, int rank, int size) {
  c10d::TCPStoreOptions o;
  o.port = static_cast<uint16_t>(port);
  o.isServer = rank == 0;
  o.numWorkers = size;
  auto store = c10::make_intrusive<c10d::TCPStore>("127.0.0.1", o);
  auto opts = c10d::ProcessGroupGloo::Options::create();
  opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
  auto group = c10::make_intrusive<c10d::ProcessGroupGloo>(c10::make_intrusive<c10d::PrefixStore>("trainer", store),
                                                           rank, size, opts);
  return {store, group};
}

}  // namespace mpt::test
