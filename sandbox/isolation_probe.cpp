#include "sandbox/isolation_probe.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/cgroup_limits.h"

namespace mpt::sandbox {
namespace {

// Runs `child` in a process cloned with `flags` and returns "" when it exits 0, else the reason.
template <typename Fn>
std::string try_in_child(unsigned long flags, const char* what, Fn child) {
  long pid = syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (pid < 0) return std::string(what) + ": " + std::strerror(errno);
  if (pid == 0) _exit(child() ? 0 : 1);  // async-signal-safe work only
  int status = 0;
  while (waitpid(static_cast<pid_t>(pid), &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "" : std::string(what) + ": failed in the child";
}

bool load_allow_all_filter() {
  sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  sock_fprog prog{1, &allow};
  return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
}

}  // namespace

IsolationReport probe_isolation(const Config& config) {
  IsolationReport r;
  struct Namespace {
    unsigned long flag;
    const char* what;
  };
  const Namespace namespaces[] = {
      {CLONE_NEWUSER, "user namespaces (clone CLONE_NEWUSER)"}, {CLONE_NEWPID, "pid namespaces (clone CLONE_NEWPID)"},
      {CLONE_NEWNET, "net namespaces (clone CLONE_NEWNET)"},    {CLONE_NEWNS, "mount namespaces (clone CLONE_NEWNS)"},
      {CLONE_NEWIPC, "ipc namespaces (clone CLONE_NEWIPC)"},    {CLONE_NEWUTS, "uts namespaces (clone CLONE_NEWUTS)"}};
  for (const Namespace& ns : namespaces) {
    // Every other namespace is created inside a new user namespace, as the sandbox does.
    std::string why = try_in_child(CLONE_NEWUSER | ns.flag, ns.what, [] { return true; });
    if (!why.empty()) r.missing.push_back(why);
  }
  std::string why = try_in_child(0, "seccomp filters (prctl PR_SET_SECCOMP)", load_allow_all_filter);
  if (!why.empty()) r.missing.push_back(why);
  r.isolated = r.missing.empty();

  std::optional<CgroupParent> cg = CgroupParent::find(r.cgroup_note);
  r.cgroup = cg.has_value() && !config.unsafe_no_sandbox;
  std::string cgroup = r.cgroup ? "cgroup v2 memory+pids per worker" : "cgroup v2: no (" + r.cgroup_note + ")";
  if (config.unsafe_no_sandbox) {
    r.level = "UNSAFE (--unsafe-no-sandbox): no namespaces, no seccomp; rlimits, wall-clock timeout, audit hook";
  } else {
    r.level = "isolated: user+pid+net+mount+ipc+uts namespaces per program, seccomp, no_new_privs, uid 1000 (host " +
              std::to_string(config.host_id_base + 1) + "), read-only root, tmpfs cwd, rlimits, audit hook; " + cgroup;
  }
  return r;
}

}  // namespace mpt::sandbox
