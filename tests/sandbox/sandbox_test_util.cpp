#include "tests/sandbox/sandbox_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <fstream>
#include <future>
#include <sstream>

namespace mpt::test {

sandbox::Config test_config(double timeout_seconds) {
  sandbox::Config c;
  c.limits.timeout_seconds = timeout_seconds;
  c.limits.memory_bytes = 256ull << 20;  // memory bombs hit it sooner
  c.limits.file_size_bytes = 4ull << 20;
  c.limits.tmpfs_bytes = 8ull << 20;
  c.limits.output_bytes = 256ull << 10;
  c.workers = 2;
  c.host_id_base = 910000 + 2 * static_cast<uint32_t>(getpid() % 40000);
  return c;
}

sandbox::Program program(const std::string& solution) {
  return sandbox::Program{solution, "def check(candidate):\n    assert candidate(1) == 2\n", "f"};
}

std::vector<sandbox::ExecutionResult> run_all(sandbox::SandboxPool& pool, const std::vector<sandbox::Program>& programs) {
  std::vector<std::future<sandbox::ExecutionResult>> futures;
  for (const auto& p : programs) futures.push_back(pool.submit(p));
  std::vector<sandbox::ExecutionResult> out;
  for (auto& f : futures) out.push_back(f.get());
  return out;
}

std::vector<pid_t> processes_of_uid(uid_t uid) {
  std::vector<pid_t> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream status(entry.path() / "status");
    for (std::string line; std::getline(status, line);) {
      if (line.rfind("Uid:", 0) != 0) continue;
      std::istringstream fields(line.substr(4));
      uid_t real = 0;
      fields >> real;
      if (real == uid) out.push_back(static_cast<pid_t>(std::stol(name)));
      break;
    }
  }
  return out;
}

HostListener::HostListener() {
  fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), len) != 0 || listen(fd, 8) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("cannot open the host listener");
  port = ntohs(a.sin_port);
}

HostListener::~HostListener() { close(fd); }

bool HostListener::anyone_connected() const { return accept(fd, nullptr, nullptr) >= 0; }

}  // namespace mpt::test
