// Configuration checks, the root view plan, the seccomp filters and cgroup detection (no execution).
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "common/error.h"
#include "sandbox/cgroup_limits.h"
#include "sandbox/root_view.h"
#include "sandbox/seccomp_policy.h"

namespace mpt::sandbox {
namespace {

namespace fs = std::filesystem;

TEST(SandboxConfig, RejectsNonsense) {
  Config c;
  EXPECT_NO_THROW(validate(c));
  c.limits.timeout_seconds = 0;
  EXPECT_THROW(validate(c), Error);
  c = Config{};
  c.limits.open_files = 2;
  EXPECT_THROW(validate(c), Error);
  c = Config{};
  c.interpreter = "python3";
  EXPECT_THROW(validate(c), Error);
  c = Config{};
  c.workers = -1;
  EXPECT_THROW(validate(c), Error);
  c = Config{};
  EXPECT_GE(resolved_workers(c), 1);
  // Split-process checking (the default) runs two programs per core: their processes take turns.
  EXPECT_EQ(resolved_workers(c, Checking::SplitProcess), 2 * resolved_workers(c, Checking::InProcess));
  c.workers = 3;
  EXPECT_EQ(resolved_workers(c), 3);
  EXPECT_EQ(resolved_workers(c, Checking::InProcess), 3);
}

TEST(RootView, ShowsOnlyTheReadOnlySystemAndAFewDevices) {
  RootView view(Config{}, "/tmp");
  bool usr_read_only = false, proc = false;
  for (size_t i = 0; i < view.steps().size(); ++i) {
    const MountStep& s = view.steps()[i];
    std::string target = s.target;
    ASSERT_EQ(target.rfind("/tmp/", 0), 0u) << view.describe(i);
    if (s.kind == MountStep::Bind) {
      std::string src = s.source;
      bool allowed = src.rfind("/dev/", 0) == 0 || src == "/usr" || src == "/etc/ld.so.cache" ||
                     src == "/etc/localtime" || src.rfind("/lib", 0) == 0 || src == "/bin" || src == "/sbin";
      EXPECT_TRUE(allowed) << "unexpected host path in the sandbox: " << src;
    }
    usr_read_only |= s.kind == MountStep::ReadOnly && target == "/tmp/usr";
    proc |= s.kind == MountStep::Proc;
  }
  EXPECT_TRUE(usr_read_only);
  EXPECT_TRUE(proc);
}

TEST(RootView, RefusesAnInterpreterOutsideTheView) {
  Config c;
  c.interpreter = "/work/not-a-python";
  EXPECT_THROW(RootView(c, "/tmp"), Error);
  c.interpreter = "/usr/bin/python3";
  c.read_only_paths = {"/etc/ld.so.cache"};
  EXPECT_THROW(RootView(c, "/tmp"), Error);
}

TEST(SeccompPolicy, BuildsBothFiltersAndTheProgramOneIsStricter) {
  std::string zygote = build_seccomp_filter(FilterKind::Zygote);
  std::string program = build_seccomp_filter(FilterKind::Program);
  EXPECT_EQ(zygote.size() % 8, 0u);
  EXPECT_GT(program.size(), zygote.size());
  auto denied = denied_syscalls(FilterKind::Program);
  for (const char* name : {"ptrace", "mount", "unshare", "setns", "bpf", "execve", "keyctl", "perf_event_open",
                           "userfaultfd", "io_uring_setup", "kexec_load", "init_module", "process_vm_readv",
                           // kernel memory outside RLIMIT_AS, host-wide kernel objects
                           "memfd_create", "io_setup", "io_submit", "io_uring_enter", "io_uring_register", "mq_open",
                           "msgget", "semget", "shmget", "add_key"})
    EXPECT_NE(std::find(denied.begin(), denied.end(), name), denied.end()) << name;
}

TEST(CgroupLimits, UsesOnlyADelegatedCgroupV2) {
  fs::path dir = fs::temp_directory_path() / ("mpt-cgroup-test-" + std::to_string(getpid()));
  fs::create_directories(dir / "proc");
  fs::create_directories(dir / "cg" / "user.slice" / "me");
  std::ofstream(dir / "proc" / "mountinfo") << "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
                                            << "40 31 0:29 / " << (dir / "cg").string()
                                            << " rw,relatime - cgroup2 cgroup2 rw\n";
  std::ofstream(dir / "proc" / "cgroup") << "1:cpu:/\n0::/user.slice/me\n";
  std::ofstream(dir / "cg" / "user.slice" / "me" / "cgroup.subtree_control") << "cpu io\n";
  std::string why;
  EXPECT_FALSE(CgroupParent::find(why, (dir / "proc").string()).has_value());
  EXPECT_NE(why.find("does not delegate"), std::string::npos) << why;
  std::ofstream(dir / "cg" / "user.slice" / "me" / "cgroup.subtree_control") << "cpu io memory pids\n";
  auto found = CgroupParent::find(why, (dir / "proc").string());
  ASSERT_TRUE(found.has_value()) << why;
  EXPECT_EQ(found->dir(), (dir / "cg" / "user.slice" / "me").string());
  std::ofstream(dir / "proc" / "mountinfo") << "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n";
  EXPECT_FALSE(CgroupParent::find(why, (dir / "proc").string()).has_value());
  EXPECT_EQ(why, "no cgroup v2 hierarchy mounted");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace mpt::sandbox
