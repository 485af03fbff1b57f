// Kernel memory outside the programs' limits: anonymous memory files, AIO contexts (fs.aio-nr is one
// counter for the whole host), io_uring, userfaultfd, POSIX message queues and System V IPC are
// refused by the seccomp filter, and the host shows it: while the programs run, the host's shared
// memory (where memfd and tmpfs pages are counted) grows by less than 1 GiB and fs.aio-nr does not
// move. Read from outside, in /proc of the host, every 20 ms.
#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/sandbox/sandbox_test_util.h"

namespace mpt::test {
namespace {

using sandbox::Verdict;

// /proc/meminfo's Shmem, in KiB.
long long host_shmem_kib() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  long long value = 0;
  std::string unit;
  while (in >> key >> value) {
    std::getline(in, unit);
    if (key == "Shmem:") return value;
  }
  return -1;
}

long long host_aio_nr() {
  std::ifstream in("/proc/sys/fs/aio-nr");
  long long n = -1;
  in >> n;
  return n;
}

// The attack: in every process allowed, every free descriptor an anonymous memory file of
// 16 MiB, then hold them. Passes only if it got none (then there is nothing to hold).
const char* const kMemfdAttack =
    "import os, time\n"
    "def grab():\n"
    "    got = 0\n"
    "    for i in range(60):\n"
    "        try:\n"
    "            fd = os.memfd_create('x%d' % i)\n"
    "            os.posix_fallocate(fd, 0, 16 << 20)\n"
    "            got += 1\n"
    "        except OSError as e:\n"
    "            err = e\n"
    "    return got, err\n"
    "for _ in range(6):\n"
    "    if os.fork() == 0:\n"
    "        grab()\n"
    "        time.sleep(3)\n"
    "        os._exit(0)\n"
    "got, err = grab()\n"
    "time.sleep(3)\n"
    "assert got == 0, 'got %d memory files' % got\n"
    "raise err\n";

// Every call that allocates kernel memory outside RLIMIT_AS, made raw (the audit hook is off for
// this program so that ctypes is there), and growing socket and pipe buffers: each must fail with
// EPERM from the filter.
const char* const kSyscallSweep =
    "import ctypes\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "libc.syscall.restype = ctypes.c_long\n"
    "buf = ctypes.create_string_buffer(256)\n"
    "calls = {'io_setup': (206, 65536, buf), 'io_uring_setup': (425, 8, buf), 'memfd_create': (319, b'x', 0),\n"
    "         'userfaultfd': (323, 0), 'mq_open': (240, b'/q', 0o102, 0o600, None), 'msgget': (68, 0, 0o1600),\n"
    "         'semget': (64, 0, 1, 0o1600), 'shmget': (29, 0, 1 << 20, 0o1600), 'bpf': (321, 0, buf, 64),\n"
    "         'perf_event_open': (298, buf, 0, -1, -1, 0), 'add_key': (248, b'user', b'k', b'v', 1, -3),\n"
    "         'keyctl': (250, 0, -3, 0, 0, 0)}\n"
    "allowed = []\n"
    "for name, (nr, *args) in calls.items():\n"
    "    ctypes.set_errno(0)\n"
    "    r = libc.syscall(nr, *args)\n"
    "    if r != -1 or ctypes.get_errno() != 1:\n"
    "        allowed.append('%s: %d errno %d' % (name, r, ctypes.get_errno()))\n"
    "import fcntl, os, socket\n"
    "a, b = socket.socketpair()\n"
    "for option in (socket.SO_SNDBUF, socket.SO_RCVBUF, 32, 33):\n"
    "    try:\n        a.setsockopt(socket.SOL_SOCKET, option, 1 << 22)\n"
    "        allowed.append('socket buffer option %d' % option)\n"
    "    except PermissionError:\n        pass\n"
    "r, w = os.pipe()\n"
    "try:\n    fcntl.fcntl(w, 1031, 1 << 20)\n    allowed.append('F_SETPIPE_SZ')\nexcept PermissionError:\n    pass\n"
    "assert not allowed, allowed\n"
    "def f(x):\n    return x + 1\n";

// The writable tmpfs, filled to its size (files stop at RLIMIT_FSIZE, the file system at its size)
// and held: its pages are host shared memory, bounded by Limits::tmpfs_bytes.
const char* const kTmpfsFill =
    "import time\n"
    "n = 0\n"
    "try:\n"
    "    while True:\n"
    "        with open('f%d' % n, 'wb') as out:\n"
    "            n += 1\n"
    "            try:\n"
    "                while True:\n"
    "                    out.write(b'x' * (1 << 20))\n"
    "            except OSError as e:\n"
    "                if e.errno != 27:\n"
    "                    raise\n"
    "except OSError as e:\n"
    "    assert e.errno == 28, e\n"
    "time.sleep(2)\n"
    "def f(x):\n    return x + 1\n";

TEST(KernelMemory, MemfdAioAndIpcAreRefusedAndTheHostIsUnchanged) {
  const long long shmem_before = host_shmem_kib(), aio_before = host_aio_nr();
  ASSERT_GE(shmem_before, 0);
  ASSERT_GE(aio_before, 0);
  std::atomic<bool> running{true};
  std::atomic<long long> shmem_max{shmem_before}, aio_max{aio_before};
  std::thread sampler([&] {
    while (running) {
      shmem_max = std::max(shmem_max.load(), host_shmem_kib());
      aio_max = std::max(aio_max.load(), host_aio_nr());
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  std::vector<sandbox::Program> programs;
  for (sandbox::Checking mode : {sandbox::Checking::SplitProcess, sandbox::Checking::InProcess}) {
    programs.push_back(program(kMemfdAttack));
    programs.push_back(program(kSyscallSweep));
    programs.back().audit_hook = false;
    programs.push_back(program(kTmpfsFill));
    for (size_t i = programs.size() - 3; i < programs.size(); ++i) {
      programs[i].checking = mode;
      programs[i].timeout_seconds = 60;  // no verdict here may depend on the machine's speed
    }
  }
  std::vector<sandbox::ExecutionResult> results;
  {
    sandbox::SandboxPool pool(test_config());
    results = run_all(pool, programs);
  }
  running = false;
  sampler.join();
  for (size_t i = 0; i < results.size(); i += 3) {
    EXPECT_EQ(results[i].result, "failed: [Errno 1] Operation not permitted");
    EXPECT_TRUE(results[i + 1].passed()) << results[i + 1].result;
    EXPECT_TRUE(results[i + 2].passed()) << results[i + 2].result;
  }
  long long grew_kib = shmem_max - shmem_before;
  std::printf("  host Shmem grew by at most %lld KiB while the programs ran; fs.aio-nr %lld -> max %lld\n", grew_kib,
              aio_before, aio_max.load());
  EXPECT_LT(grew_kib, 1ll << 20);  // < 1 GiB (the attack took 6.2 GiB before the fix)
  EXPECT_EQ(aio_max.load(), aio_before);
}

}  // namespace
}  // namespace mpt::test
