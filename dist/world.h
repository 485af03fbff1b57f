// The job this process belongs to: its rank, its device, and the c10d process group that connects
// it to the other ranks (Gloo on CPU, NCCL on CUDA), with a failure monitor over the rendezvous store.
//
//   auto world = World::join(options);             // from torchrun / srun / `mpt-eval launch`
//   ModelOptions m; m.device = world->device();    // "cpu", or "cuda:<LOCAL_RANK>"
//   DistributedLanguageModel lm(local_lm, world->communicator());
//   ... rank 0 (world->is_main()) writes the results store ...
//   world->guarded([&] { ... });                   // a failure here is announced with its message
//   world->finish();                               // every rank, at the end
//
// A single process (no launcher variables) is a World of one: communicator() then exchanges
// nothing and no thread runs. World::join blocks until every rank has joined (connect_timeout).
//
// Failures: a rank that crashes or is killed is noticed by the others within rank_timeout +
// 2 heartbeats (rank_monitor.h); a rank whose run fails calls fail(message) (or is destroyed
// while an exception unwinds) and the others stop within one heartbeat. Either way every
// collective, and check(), then throws mpt::Error (Runtime) naming the rank.
// Training jobs with a process group of their own: world_c10d.h.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "dist/communicator.h"
#include "dist/launch_environment.h"

namespace mpt::dist {

class RankMonitor;
class ProcessGroupLink;

struct WorldOptions {
  enum class Backend { Auto, Gloo, Nccl };
  Backend backend = Backend::Auto;  // Auto: NCCL when `cuda` (and this build has NCCL), else Gloo
  bool cuda = false;                // compute on CUDA: each rank on cuda:LOCAL_RANK
  std::chrono::milliseconds rank_timeout{30000};         // a rank silent this long is dead
  std::chrono::milliseconds heartbeat{1000};             // heartbeat and failure polling period
  std::chrono::milliseconds connect_timeout{600000};     // every rank must join within this
  std::chrono::milliseconds collective_timeout{3600000}; // a collective waits this long for a live but slow rank
};

// Parses "auto", "gloo", "nccl"; Input error naming `where` otherwise.
WorldOptions::Backend parse_backend(const std::string& name, const std::string& where);

class World {
 public:
  // Joins the job the launcher's variables describe (single process when there are none). Input
  // error for inconsistent variables, an unusable backend (NCCL without CUDA, no such device);
  // Runtime error when the rendezvous fails or times out.
  static std::unique_ptr<World> join(const WorldOptions& options,
                                     const LaunchEnvironment& env = read_launch_environment());
  // A World of one process.
  static std::unique_ptr<World> single(const std::string& device = "cpu");

  // Without finish(): announces this rank's failure when an exception is unwinding or fail() was
  // called (staying a moment when it hosts the store, so that the others can read why), and
  // otherwise marks the rank finished without waiting for the others.
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  int local_rank() const { return local_rank_; }
  bool is_main() const { return rank_ == 0; }
  const std::string& device() const { return device_; }  // "cpu" or "cuda:<local rank>"
  const std::string& backend() const { return backend_; }  // "gloo", "nccl" or "none"
  // "rank 1 of 3 (torchrun, gloo, cpu)".
  std::string describe() const;

  Communicator& communicator();

  // Throws mpt::Error (Runtime) when another rank is known to have failed.
  void check() const;
  // Tells the other ranks that this rank fails with `message` (they stop within one heartbeat).
  void fail(const std::string& message) noexcept;
  // Runs `work`; when it throws, tells the other ranks why (fail(what())) and rethrows.
  template <class Work>
  decltype(auto) guarded(Work&& work) {
    try {
      return work();
    } catch (const std::exception& e) {
      fail(e.what());
      throw;
    }
  }
  // Clean end, on every rank: waits until every rank got here (a failure elsewhere throws), marks
  // this rank finished and, on the rank hosting the store, keeps it up until the others are done.
  void finish();

  // Internal: assembled by join() and world_from_process_group() (world_c10d.h).
  World(int rank, int size, int local_rank, std::string device, std::string source,
        std::unique_ptr<ProcessGroupLink> link, bool hosts_store, const WorldOptions& options);

 private:
  int rank_, size_, local_rank_;
  std::string device_, backend_, source_;
  std::unique_ptr<ProcessGroupLink> link_;     // null for a single process
  std::unique_ptr<Communicator> single_comm_;  // a single process's communicator
  std::unique_ptr<RankMonitor> monitor_;       // null without a store
  bool hosts_store_ = false;
  bool finished_ = false, failed_ = false;
  int uncaught_at_start_ = 0;
};

}  // namespace mpt::dist
