// Internal seam between World and libtorch's c10d: the only code that includes c10d (and with it
// ATen) is c10d_group.cpp. Everything here is torch-free.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "dist/communicator.h"
#include "dist/key_value_store.h"
#include "dist/launch_environment.h"

namespace mpt::dist {

class RankMonitor;
struct WorldOptions;

// A Communicator over a c10d process group, plus what World needs to supervise it.
class ProcessGroupLink : public Communicator {
 public:
  virtual const std::string& backend_name() const = 0;
  // A new connection to the job's store for the monitor thread (keys in a namespace of their own),
  // or null when the job has no store the monitor can use.
  virtual std::unique_ptr<KeyValueStore> open_control_store(std::chrono::milliseconds timeout) = 0;
  // Who hosts the store, for messages: "rank 0" or "the launcher".
  virtual std::string store_host() const = 0;
  // From now on collectives stop waiting, and throw, when `monitor` reports a failure; a collective
  // that fails by itself waits up to `grace` for the monitor to say which rank is gone.
  virtual void watch(const RankMonitor* monitor, std::chrono::milliseconds grace) = 0;
  // After a failure: lets go of the process group without destroying it (its destructor would
  // wait for collectives that may never end).
  virtual void abandon() noexcept = 0;
};

// Rendezvous through a TCPStore at env.master_addr:env.master_port (rank 0 hosts it unless the
// launcher does) and creates the process group: Gloo, or NCCL with each rank on cuda:LOCAL_RANK.
// Blocks until every rank has joined or options.connect_timeout passes.
std::unique_ptr<ProcessGroupLink> connect_process_group(const LaunchEnvironment& env, const WorldOptions& options);

// What this build of libtorch offers.
bool gloo_compiled();
bool nccl_compiled();

}  // namespace mpt::dist

namespace mpt::dist {

// For a launcher that hosts the job's store itself (`mpt-eval launch`, like torchrun's agent):
// starts a TCPStore server on all interfaces at `port` (0: a free port, written back) and returns
// the control-plane view the ranks' monitors use (rank_monitor.h keys) under `agent_prefix`, the
// prefix the ranks get from TORCHELASTIC_RESTART_COUNT. The server lives as long as the result.
std::unique_ptr<KeyValueStore> host_control_store(uint16_t& port, const std::string& agent_prefix);

}  // namespace mpt::dist
