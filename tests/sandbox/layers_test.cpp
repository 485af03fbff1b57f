// Defence in depth: with the audit hook switched off (and then the seccomp filter too), the layers
// below still hold. Real runs always keep every layer on; these switches exist for this test.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>

#include <gtest/gtest.h>

#include "tests/sandbox/sandbox_test_util.h"

namespace mpt::test {
namespace {

using sandbox::Verdict;

sandbox::Program without(const std::string& solution, bool hook, bool seccomp) {
  sandbox::Program p = program(solution + "def f(x):\n    return x + 1\n");
  p.audit_hook = hook;
  p.seccomp = seccomp;
  return p;
}

TEST(Layers, WithoutTheAuditHookSeccompAndTheNamespacesStillHold) {
  // A TCP port on the host's loopback, and an abstract unix socket: abstract names belong to a
  // network namespace, so only a program sharing the host's could reach it.
  int tcp = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(bind(tcp, reinterpret_cast<sockaddr*>(&a), len), 0);
  ASSERT_EQ(listen(tcp, 4), 0);
  ASSERT_EQ(getsockname(tcp, reinterpret_cast<sockaddr*>(&a), &len), 0);
  std::string port = std::to_string(ntohs(a.sin_port));
  std::string name = "mpt-layers-" + std::to_string(getpid());
  int unix_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_un u{};
  u.sun_family = AF_UNIX;
  std::memcpy(u.sun_path + 1, name.data(), name.size());
  socklen_t ulen = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  ASSERT_EQ(bind(unix_fd, reinterpret_cast<sockaddr*>(&u), ulen), 0);
  ASSERT_EQ(listen(unix_fd, 4), 0);

  sandbox::SandboxPool pool(test_config());
  std::string libc = "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n";
  std::string connect_unix = "import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect('\\0" + name + "')\n";
  auto results = run_all(
      pool, {
                // seccomp (hook off): no network socket family, no namespaces, no ptrace, no mount
                without("import socket\nsocket.create_connection(('127.0.0.1', " + port + "), timeout=1)\n", false, true),
                without(libc + "assert libc.unshare(0x10000000) == 0, ctypes.get_errno()\n", false, true),
                without(libc + "assert libc.ptrace(16, 1, 0, 0) == 0, ctypes.get_errno()\n", false, true),
                without(libc + "assert libc.mount(b'none', b'/tmp', b'tmpfs', 0, None) == 0, ctypes.get_errno()\n",
                        false, true),
                // without the program's filter the zygote's filter still refuses network families
                without("import socket\nsocket.create_connection(('1.1.1.1', 80), timeout=1)\n", false, false),
                // namespaces alone: the host's abstract socket does not exist in the program's namespace
                without(connect_unix, false, false),
                // the uid is not root, and root of the user namespace gives nothing on the host
                without("import os\nos.setuid(0)\n", false, false),
                // with every layer on, the same connection is stopped by the audit hook first
                without(connect_unix, true, true),
                // without the hook (and its import guards) a banned module's file is still hidden
                without("import _xxsubinterpreters\n", false, true),
                // split-process: the candidate's process cannot even see the completion socket
                without("import socket\nsocket.socket(socket.AF_UNIX).connect('/.mpt/done')\n", false, false),
            });
  EXPECT_EQ(results[0].result, "failed: [Errno 1] Operation not permitted");
  EXPECT_EQ(results[1].result, "failed: 1");  // EPERM from the filter
  EXPECT_EQ(results[2].result, "failed: 1");
  EXPECT_EQ(results[3].result, "failed: 1");
  EXPECT_EQ(results[4].result, "failed: [Errno 1] Operation not permitted");
  EXPECT_EQ(results[5].result, "failed: [Errno 111] Connection refused");
  EXPECT_EQ(results[6].result, "failed: [Errno 1] Operation not permitted");
  EXPECT_EQ(results[7].result, "failed: forbidden operation in the sandbox: socket.__new__");
  EXPECT_EQ(results[8].result, "failed: No module named '_xxsubinterpreters'");
  EXPECT_EQ(results[9].result, "failed: [Errno 2] No such file or directory");
  for (const auto& r : results) EXPECT_EQ(r.verdict, Verdict::Failed) << r.result;
  EXPECT_LT(accept(tcp, nullptr, nullptr), 0);  // nobody reached the host
  EXPECT_LT(accept(unix_fd, nullptr, nullptr), 0);
  close(tcp);
  close(unix_fd);
}

}  // namespace
}  // namespace mpt::test
