#include "sandbox/seccomp_policy.h"

#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common/error.h"

namespace mpt::sandbox {
namespace {

// Denied in both filters.
const char* const kCommonDenied[] = {
    "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "pidfd_getfd", "kcmp",
    "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "keyctl", "add_key", "request_key", "kexec_load", "kexec_file_load", "init_module", "finit_module",
    "delete_module", "setns", "pivot_root", "chroot", "acct", "swapon", "swapoff", "reboot", "syslog",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "quotactl", "quotactl_fd", "iopl",
    "ioperm", "lookup_dcookie", "open_by_handle_at", "name_to_handle_at", "fanotify_init", "vhangup",
    "uselib", "nfsservctl", "sysfs", "_sysctl",
    // Kernel memory outside RLIMIT_AS and host-wide kernel objects: anonymous memory files (their
    // pages count against no limit of the program), AIO contexts (fs.aio-nr is one counter for the
    // whole host), POSIX message queues and System V IPC (objects that outlive the process in the
    // IPC namespace and take kernel memory).
    "memfd_create", "memfd_secret", "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents",
    "io_pgetevents", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr",
    "msgget", "msgsnd", "msgrcv", "msgctl", "semget", "semop", "semtimedop", "semctl", "shmget", "shmat",
    "shmdt", "shmctl",
};

// Denied only in the program filter (the zygote needs them to build each program's sandbox).
const char* const kProgramDenied[] = {
    "mount", "umount2", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick",
    "mount_setattr", "unshare", "execve", "execveat", "setrlimit",
};

constexpr unsigned long kNamespaceFlags[] = {CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER,
                                             CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP};

struct CtxDeleter {
  void operator()(scmp_filter_ctx c) const { seccomp_release(c); }
};
using Ctx = std::unique_ptr<void, CtxDeleter>;

void check(int rc, const std::string& what) {
  if (rc < 0) throw runtime_error("cannot build the seccomp filter", what, "libseccomp success", std::strerror(-rc));
}

void deny(scmp_filter_ctx ctx, const char* name) {
  int nr = seccomp_syscall_resolve_name(name);
  if (nr == __NR_SCMP_ERROR) return;  // not a syscall on this architecture
  check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0), name);
}

std::string export_bpf(scmp_filter_ctx ctx) {
  int fd = memfd_create("mpt-seccomp", MFD_CLOEXEC);
  if (fd < 0) throw runtime_error("cannot build the seccomp filter", "memfd_create", "a memory file", std::strerror(errno));
  std::string out;
  int rc = seccomp_export_bpf(ctx, fd);
  if (rc == 0) {
    off_t size = lseek(fd, 0, SEEK_END);
    out.resize(static_cast<size_t>(size));
    if (pread(fd, out.data(), out.size(), 0) != size) rc = -EIO;
  }
  close(fd);
  check(rc, "export");
  return out;
}

}  // namespace

std::vector<std::string> denied_syscalls(FilterKind kind) {
  std::vector<std::string> out(std::begin(kCommonDenied), std::end(kCommonDenied));
  if (kind == FilterKind::Program) out.insert(out.end(), std::begin(kProgramDenied), std::end(kProgramDenied));
  return out;
}

std::string build_seccomp_filter(FilterKind kind) {
  Ctx ctx(seccomp_init(SCMP_ACT_ALLOW));  // bad-architecture calls keep libseccomp's default: kill
  if (!ctx) throw runtime_error("cannot build the seccomp filter", "seccomp_init", "a filter context", "failure");
  scmp_filter_ctx c = ctx.get();
  for (const std::string& name : denied_syscalls(kind)) deny(c, name.c_str());
  // Only AF_UNIX sockets: no network family, no netlink, no packet sockets.
  check(seccomp_rule_add(c, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_NE, AF_UNIX)), "socket");
  check(seccomp_rule_add(c, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socketpair), 1, SCMP_A0(SCMP_CMP_NE, AF_UNIX)),
        "socketpair");
  // Kernel buffers stay at their defaults: no larger socket buffers (up to net.core.wmem_max each,
  // which may be MiBs) and no larger pipes (up to fs.pipe-max-size each). Queued data in them is
  // kernel memory that RLIMIT_AS does not count.
  for (int option : {SO_SNDBUF, SO_RCVBUF, SO_SNDBUFFORCE, SO_RCVBUFFORCE})
    check(seccomp_rule_add(c, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setsockopt), 2, SCMP_A1(SCMP_CMP_EQ, SOL_SOCKET),
                           SCMP_A2(SCMP_CMP_EQ, static_cast<scmp_datum_t>(option))),
          "setsockopt");
  check(seccomp_rule_add(c, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(fcntl), 1, SCMP_A1(SCMP_CMP_EQ, F_SETPIPE_SZ)), "fcntl");
  if (kind == FilterKind::Program) {
    for (unsigned long flag : kNamespaceFlags)
      check(seccomp_rule_add(c, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag)),
            "clone");
    // clone3 passes its flags in memory seccomp cannot read: answer ENOSYS and libc uses clone.
    check(seccomp_rule_add(c, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0), "clone3");
    // prlimit64 may read limits (new_limit == NULL) but not change them.
    check(seccomp_rule_add(c, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(prlimit64), 1, SCMP_A2(SCMP_CMP_NE, 0)), "prlimit64");
  }
  return export_bpf(c);
}

}  // namespace mpt::sandbox
