#include "sandbox/sandbox_setup.h"

#include <unistd.h>

#include <filesystem>

#include "common/error.h"
#include "common/log.h"
#include "sandbox/seccomp_policy.h"

namespace mpt::sandbox {

SandboxSetup::SandboxSetup(Config config) : config_(std::move(config)) {
  validate(config_);
  report_ = probe_isolation(config_);
  if (!report_.isolated && !config_.unsafe_no_sandbox) {
    std::string missing;
    for (const std::string& m : report_.missing) missing += (missing.empty() ? "" : "; ") + m;
    throw runtime_error(
        "refusing to run generated code without isolation", "sandbox probe",
        "user, pid, net, mount, ipc and uts namespaces and seccomp (or --unsafe-no-sandbox to run without them)",
        "missing " + missing);
  }
  if (config_.unsafe_no_sandbox) {
    MPT_LOG(Warn, "running generated code WITHOUT a sandbox (--unsafe-no-sandbox): {}", report_.level);
    std::string pattern = (std::filesystem::temp_directory_path() / "mpt-eval-unsafe-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw runtime_error("cannot create a scratch directory", pattern);
    std::filesystem::permissions(pattern, std::filesystem::perms::all);  // programs may run as nobody
    unsafe_dir_ = pattern;
    return;
  }
  root_ = std::make_unique<RootView>(config_, "/tmp");
  zygote_filter_ = build_seccomp_filter(FilterKind::Zygote);
  program_filter_ = build_seccomp_filter(FilterKind::Program);
  zygote_fprog_.len = static_cast<unsigned short>(zygote_filter_.size() / sizeof(sock_filter));
  zygote_fprog_.filter = reinterpret_cast<sock_filter*>(zygote_filter_.data());
  if (report_.cgroup) {
    std::string why;
    cgroup_ = CgroupParent::find(why);
  }
}

SandboxSetup::~SandboxSetup() {
  if (!unsafe_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(unsafe_dir_, ec);
  }
}

std::string SandboxSetup::unsafe_worker_dir(int worker) const {
  return unsafe_dir_ + "/w" + std::to_string(worker);
}

}  // namespace mpt::sandbox
