// cgroup v2 limits for worker sandboxes, used where the machine offers them.
//
// A worker sandbox (its zygote and every program it runs) goes into its own child group of this
// process's cgroup, with memory.max and pids.max. That needs a cgroup v2 hierarchy whose memory
// and pids controllers are enabled for this process's children (cgroup.subtree_control), as on a
// systemd machine with delegation. Hybrid or v1-only machines (like the development VM) have none;
// the sandbox then relies on rlimits alone and says so in its isolation level.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace mpt::sandbox {

class CgroupParent {
 public:
  // The group to create worker groups in, or std::nullopt with `why_not` set. `proc_dir` is for
  // tests ("/proc/self" normally; it must hold mountinfo and cgroup).
  static std::optional<CgroupParent> find(std::string& why_not, const std::string& proc_dir = "/proc/self");

  // Creates <dir>/mpt-eval-<harness pid>-w<index>, sets its limits and moves `pid` into it.
  // Returns the group's path, or an empty string (with `error`) when any step fails.
  std::string add_worker(int index, pid_t pid, uint64_t memory_max, uint64_t pids_max, std::string& error) const;

  // Removes a worker group once its processes are gone (best effort).
  static void remove_worker(const std::string& group);

  const std::string& dir() const { return dir_; }

 private:
  explicit CgroupParent(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

}  // namespace mpt::sandbox
