#include "sandbox/sandbox_child.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace mpt::sandbox {
namespace {

[[noreturn]] void fail(const ChildPlan& plan, int32_t step) {
  ChildFailure f{step, errno};
  (void)!write(plan.error_fd, &f, sizeof f);
  _exit(127);
}

// Read-only, nosuid, nodev for a bind mount and everything below it. mount_setattr (Linux 5.12)
// keeps the locked atime flags of mounts inherited from the host; older kernels get a remount that
// repeats the current flags, as a user namespace may not clear them.
int make_read_only(const char* target) {
  mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
  if (syscall(SYS_mount_setattr, AT_FDCWD, target, AT_RECURSIVE, &attr, sizeof attr) == 0) return 0;
  if (errno != ENOSYS) return -1;
  struct statfs sf;  // statfs, not statvfs: glibc's statvfs parses /proc/mounts and allocates
  if (statfs(target, &sf) != 0) return -1;
  unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV;
  if (sf.f_flags & ST_NOEXEC) flags |= MS_NOEXEC;
  if (sf.f_flags & ST_NOATIME) flags |= MS_NOATIME;
  if (sf.f_flags & ST_NODIRATIME) flags |= MS_NODIRATIME;
  if (sf.f_flags & ST_RELATIME) flags |= MS_RELATIME;
  return mount(nullptr, target, nullptr, flags, nullptr);
}

int run_step(const MountStep& s) {
  switch (s.kind) {
    case MountStep::MakeDir:
      return mkdir(s.target, 0755) == 0 || errno == EEXIST ? 0 : -1;
    case MountStep::Touch: {
      int fd = open(s.target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      return fd < 0 ? -1 : close(fd);
    }
    case MountStep::Symlink:
      return symlink(s.source, s.target);
    case MountStep::Bind:
      return mount(s.source, s.target, nullptr, MS_BIND | MS_REC, nullptr);
    case MountStep::ReadOnly:
      return make_read_only(s.target);
    case MountStep::Tmpfs:
      return mount("tmpfs", s.target, "tmpfs", MS_NOSUID | MS_NODEV, s.data);
    case MountStep::Proc:
      return mount("proc", s.target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  }
  errno = EINVAL;
  return -1;
}

void build_root(const ChildPlan& plan) {
  // Nothing mounted here may propagate back to the host.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) fail(plan, kPhasePrivate);
  if (mount("tmpfs", plan.stage, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,nr_inodes=4096,mode=0755") != 0)
    fail(plan, kPhaseStage);
  for (size_t i = 0; i < plan.step_count; ++i)
    if (run_step(plan.steps[i]) != 0) fail(plan, static_cast<int32_t>(i));
  // pivot_root(".", ".") stacks the old root under the new one; detaching it leaves only the new view.
  if (chdir(plan.stage) != 0 || syscall(SYS_pivot_root, ".", ".") != 0 || umount2(".", MNT_DETACH) != 0 ||
      chdir("/") != 0)
    fail(plan, kPhasePivot);
  mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
  if (syscall(SYS_mount_setattr, AT_FDCWD, "/", 0, &attr, sizeof attr) != 0 &&
      mount(nullptr, "/", nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) != 0)
    fail(plan, kPhaseRootReadOnly);
}

void setup_fds(const ChildPlan& plan) {
  // Move the three descriptors out of the way first, so that dup2 never overwrites one still needed.
  int moved[3];
  for (int i = 0; i < 3; ++i)
    if ((moved[i] = fcntl(plan.stdio[i], F_DUPFD_CLOEXEC, 10)) < 0) fail(plan, kPhaseFds);
  for (int i = 0; i < 3; ++i)
    if (dup2(moved[i], i) != i) fail(plan, kPhaseFds);
  // Everything but 0-2 closes at exec: the error pipe and Boost.Process's must stay open until then.
  if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) fail(plan, kPhaseFds);
}

// The zygote's part: everything up to its exec. Returns ready for exec, or exits with status 127.
void prepare_zygote(const ChildPlan& plan) {
  // The starter releases it within moments, or kills it; a starter killed in between must not leave
  // it (and the harness, waiting for its exec) hanging.
  char go = 0;
  pollfd release{plan.release_fd, POLLIN, 0};
  if (poll(&release, 1, 120 * 1000) != 1 || read(plan.release_fd, &go, 1) != 1) fail(plan, kPhaseRelease);
  if (setsid() < 0) fail(plan, kPhaseSession);
  if (plan.isolate) {
    // Become the namespace's root (host_id_base on the host) so that files it creates have an owner.
    // Raw system calls: libc's set*id wrappers synchronise every thread of the process through
    // locks that were copied from the multi-threaded harness in whatever state they were in.
    if (syscall(SYS_setgroups, 0, nullptr) != 0 || syscall(SYS_setresgid, 0, 0, 0) != 0 ||
        syscall(SYS_setresuid, 0, 0, 0) != 0)
      fail(plan, kPhaseIds);
  }
  // Die with the harness (the thread that forked the starter owns this sandbox for its whole life).
  // Set after the id change, which clears it. The harness keeps the release pipe open while it
  // lives: a hang-up now means it died before the signal was armed.
  pollfd alive{plan.release_fd, POLLIN, 0};
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || poll(&alive, 1, 0) != 0) fail(plan, kPhaseParentDeath);
  if (plan.isolate) {
    if (sethostname(plan.hostname, __builtin_strlen(plan.hostname)) != 0) fail(plan, kPhaseHostname);
    build_root(plan);
  }
  setup_fds(plan);
  rlimit no_core{0, 0};
  if (setrlimit(RLIMIT_CORE, &no_core) != 0) fail(plan, kPhaseLimits);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail(plan, kPhaseNoNewPrivs);
  if (plan.isolate && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, plan.filter) != 0) fail(plan, kPhaseSeccomp);
}

// "/proc/<pid>/<name>" into `out` without allocating.
void proc_path(char* out, pid_t pid, const char* name) {
  char digits[16];
  int n = 0;
  for (unsigned v = static_cast<unsigned>(pid); n == 0 || v > 0; v /= 10) digits[n++] = static_cast<char>('0' + v % 10);
  char* p = out;
  for (const char* s = "/proc/"; *s;) *p++ = *s++;
  while (n > 0) *p++ = digits[--n];
  *p++ = '/';
  while (*name) *p++ = *name++;
  *p = 0;
}

bool write_id_map(pid_t pid, const char* name, const StarterPlan& plan) {
  char path[64];
  proc_path(path, pid, name);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, plan.id_map, plan.id_map_size) == static_cast<ssize_t>(plan.id_map_size);
  int err = errno;
  close(fd);
  errno = err;
  return ok;
}

}  // namespace

const char* child_phase_name(int32_t phase) {
  switch (phase) {
    case kPhaseRelease: return "release the zygote after its uid/gid maps";
    case kPhaseParentDeath: return "set the parent-death signal";
    case kPhaseSession: return "start a new session";
    case kPhaseIds: return "become root of the user namespace";
    case kPhaseClone: return "clone the zygote into new namespaces";
    case kPhaseReport: return "report the zygote's pid";
    case kPhaseIdMaps: return "write the zygote's uid/gid maps";
    case kPhaseHostname: return "set the hostname";
    case kPhasePrivate: return "make the mounts private";
    case kPhaseStage: return "mount the new root's tmpfs";
    case kPhasePivot: return "pivot into the new root";
    case kPhaseRootReadOnly: return "make the new root read-only";
    case kPhaseFds: return "set up file descriptors";
    case kPhaseLimits: return "set resource limits";
    case kPhaseNoNewPrivs: return "set no_new_privs";
    case kPhaseSeccomp: return "load the seccomp filter";
    default: return "build the root file system";
  }
}

int start_zygote(const StarterPlan& plan) {
  int32_t step = 0;
  pid_t zygote = -1;
  // Die with the harness thread that forked us; a changed parent means it died before that. Out of
  // the harness's session: a terminal's ^C is the harness's to handle.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != plan.harness) {
    step = kPhaseParentDeath;
  } else if (setsid() < 0) {
    step = kPhaseSession;
  } else {
    // A raw clone without a new stack behaves like fork(): the zygote continues below, as a child of
    // the harness (CLONE_PARENT), whose exit signal it inherits from the starter (SIGCHLD).
    long pid = syscall(SYS_clone, plan.clone_flags | CLONE_PARENT, nullptr, nullptr, nullptr, nullptr);
    if (pid == 0) {
      close(plan.release_w);  // the harness's alone: its hang-up is the harness's death
      prepare_zygote(plan.child);
      return 0;
    }
    zygote = static_cast<pid_t>(pid);
    // The pid first: whatever happens next, the harness reaps the zygote.
    if (pid < 0)
      step = kPhaseClone;
    else if (write(plan.pid_fd, &zygote, sizeof zygote) != sizeof zygote)
      step = kPhaseReport;
    else if (plan.id_map && (!write_id_map(zygote, "uid_map", plan) || !write_id_map(zygote, "gid_map", plan)))
      step = kPhaseIdMaps;
    else if (write(plan.release_w, "g", 1) != 1)
      step = kPhaseRelease;
    else
      _exit(0);
  }
  ChildFailure f{step, errno};
  if (zygote > 0) kill(zygote, SIGKILL);
  (void)!write(plan.child.error_fd, &f, sizeof f);
  errno = f.error;
  return -1;
}

}  // namespace mpt::sandbox
