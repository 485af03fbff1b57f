// Everything a pool's workers share, built once: the probed isolation level, both seccomp filters,
// the root view, the zygote's source and settings, cgroup support.
//
// Construction refuses to go on without isolation: when the probe finds a required layer missing
// and the configuration does not say unsafe_no_sandbox, it throws mpt::Error (Runtime) naming what
// is missing and how to opt out.
#pragma once

#include <linux/filter.h>

#include <memory>
#include <optional>
#include <string>

#include "sandbox/cgroup_limits.h"
#include "sandbox/isolation_probe.h"
#include "sandbox/root_view.h"
#include "sandbox/sandbox_config.h"

namespace mpt::sandbox {

class SandboxSetup {
 public:
  explicit SandboxSetup(Config config);
  ~SandboxSetup();  // removes the unsafe mode's scratch directory
  SandboxSetup(const SandboxSetup&) = delete;
  SandboxSetup& operator=(const SandboxSetup&) = delete;

  const Config& config() const { return config_; }
  bool isolate() const { return !config_.unsafe_no_sandbox; }
  const IsolationReport& report() const { return report_; }
  const std::string& isolation() const { return report_.level; }

  const RootView* root() const { return root_.get(); }       // null without isolation
  const sock_fprog* zygote_filter() const { return &zygote_fprog_; }
  const std::string& program_filter() const { return program_filter_; }
  const std::optional<CgroupParent>& cgroup() const { return cgroup_; }
  // Without isolation: a private host directory for each worker's completion socket and program dirs.
  std::string unsafe_worker_dir(int worker) const;

 private:
  Config config_;
  IsolationReport report_;
  std::unique_ptr<RootView> root_;
  std::string zygote_filter_, program_filter_;
  sock_fprog zygote_fprog_{};
  std::optional<CgroupParent> cgroup_;
  std::string unsafe_dir_;
};

}  // namespace mpt::sandbox
