// A World over a process group a training job already has (live evaluation during training): the
// evaluation's collectives run on the job's own c10d group, and its failure monitor on the job's
// store, so that no second rendezvous is needed.
//
//   auto pg = c10::make_intrusive<c10d::ProcessGroupNCCL>(store, rank, size, opts);  // the trainer's
//   auto world = mpt::dist::world_from_process_group({pg, store, "cuda:" + std::to_string(local_rank)});
//   DistributedLanguageModel lm(local_lm, world->communicator());
//
// Every rank must create its World at the same point of the job (the evaluation's collectives
// interleave with the trainer's on the same group, so the trainer must not run collectives on
// another thread meanwhile). Destroying the World leaves the group and the store to the trainer.
// Includes c10d (and so ATen): include it only where the trainer already does.
#pragma once

#include <torch/version.h>
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>
#if TORCH_VERSION_MAJOR >= 2
#include <torch/csrc/distributed/c10d/Backend.hpp>
#endif

#include <memory>
#include <string>

#include "dist/world.h"

namespace mpt::dist {

#if TORCH_VERSION_MAJOR >= 2
using C10dBackend = c10d::Backend;  // ProcessGroupNCCL, ProcessGroupGloo, ... (libtorch 2.x)
#else
using C10dBackend = c10d::ProcessGroup;  // libtorch 1.x: the backends are ProcessGroups
#endif

template <class Group>
struct ExistingGroup {
  c10::intrusive_ptr<Group> group;        // required
  c10::intrusive_ptr<c10d::Store> store;  // optional: the group's store; without it no failure monitor
  std::string device = "cpu";             // this rank's device ("cuda:N" with NCCL: exchange tensors live there)
  int local_rank = 0;
};

// Input error when the group is null or its backend needs a device this World does not have
// (NCCL with device "cpu"). With a TCPStore (or, on libtorch 2.x, any store) the ranks also
// watch each other through it under the keys "mpt-eval/world<k>/..." (k counts the Worlds this
// process made, so every rank must make them in the same order).
std::unique_ptr<World> world_from_process_group(const ExistingGroup<C10dBackend>& existing,
                                                const WorldOptions& options = {});
#if TORCH_VERSION_MAJOR >= 2
// libtorch 2.x's ProcessGroup (the wrapper over backends that torch.distributed hands out).
std::unique_ptr<World> world_from_process_group(const ExistingGroup<c10d::ProcessGroup>& existing,
                                                const WorldOptions& options = {});
#endif

}  // namespace mpt::dist
