// The two seccomp filters of the sandbox, compiled to raw BPF with libseccomp.
//
//   Zygote   loaded before the worker's zygote starts; inherited by every program process. Denies
//            what neither needs: ptrace, process_vm_*, bpf, perf_event_open, keyctl, userfaultfd,
//            io_uring, kexec, kernel modules, setns, pivot_root/chroot, clock and swap control,
//            sockets other than AF_UNIX, ...
//   Program  added by each program process just before the program runs (filters only stack, so
//            both apply). Also denies the mount family, unshare, clone with namespace flags (clone3
//            answers ENOSYS so libc falls back to clone), execve/execveat, and raising or lowering
//            rlimits.
//
// Denied calls fail with EPERM (the program sees an OSError); calls made with another architecture's
// numbering kill the process. Filters are built once per pool and handed to the zygote as bytes.
#pragma once

#include <string>
#include <vector>

namespace mpt::sandbox {

enum class FilterKind { Zygote, Program };

// The filter as an array of `struct sock_filter` (8 bytes each), ready for PR_SET_SECCOMP.
// Throws mpt::Error (Runtime) when libseccomp cannot build it.
std::string build_seccomp_filter(FilterKind kind);

// The syscalls the filter denies unconditionally (by name; those unknown on this architecture are
// skipped when building). For documentation and tests.
std::vector<std::string> denied_syscalls(FilterKind kind);

}  // namespace mpt::sandbox
