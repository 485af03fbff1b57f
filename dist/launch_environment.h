// Who this process is in a multi-process job, read from the variables its launcher set.
//
//   torchrun (and `mpt-eval launch`): RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT, and
//       TORCHELASTIC_USE_AGENT_STORE=True when the launcher itself hosts the TCPStore at
//       MASTER_ADDR:MASTER_PORT (every rank is then a client, keys under
//       "/worker/attempt_<TORCHELASTIC_RESTART_COUNT>", as torch.distributed does).
//   Slurm's srun: SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID (all three: srun sets them per task);
//       the master is MASTER_ADDR when set, else the first host of SLURM_STEP_NODELIST,
//       SLURM_JOB_NODELIST or SLURM_NODELIST (compressed hostlists such as "gpu[01-04,07]" are
//       expanded); the port is MASTER_PORT when set, else 20000 + SLURM_JOB_ID % 20000 (so that
//       two jobs sharing a node do not collide), else 29500.
//   none of them: a single process (rank 0 of 1).
// torchrun's variables win when both are present (torchrun started by srun sets them for its workers).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mpt::dist {

enum class LaunchSource { None, Torchrun, Slurm };
const char* to_string(LaunchSource s);

struct LaunchEnvironment {
  LaunchSource source = LaunchSource::None;
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string master_addr;       // empty for a single process
  uint16_t master_port = 0;
  bool agent_store = false;      // the launcher hosts the store: every rank connects as a client
  std::string store_prefix;      // key prefix inside the launcher's store ("" without agent store)
  std::string variables;         // the variables it was read from, "RANK=1 WORLD_SIZE=2 ...", for messages
};

// Looks a variable up; std::nullopt when it is unset or empty.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_environment();

// Reads the launcher's variables. Input error naming the variables for an inconsistent set: a
// missing companion (RANK without WORLD_SIZE, ...), a value that is not a number, RANK outside
// [0, WORLD_SIZE), a negative LOCAL_RANK, no master address or port for more than one rank, an
// unparsable node list.
LaunchEnvironment read_launch_environment(const EnvLookup& env = process_environment());

// Expands a Slurm hostlist ("node[01-03,07],login,rack[1-2]-n[1-2]") into host names, in Slurm's
// order, keeping zero padding. Input error (naming `where`) for unbalanced brackets or bad ranges.
std::vector<std::string> expand_hostlist(const std::string& list, const std::string& where = "hostlist");

}  // namespace mpt::dist
