#include "tests/distributed/process_group.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace mpt::test {

Started start_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                      const std::string& log_prefix) {
  Started s{-1, log_prefix + ".out", log_prefix + ".err"};
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    if (!env.count(kv.substr(0, kv.find('=')))) envs.push_back(kv);
  }
  for (const auto& [k, v] : env) envs.push_back(k + "=" + v);
  std::vector<char*> cargv, cenv;
  std::vector<std::string> args = argv;
  for (auto& a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  for (auto& e : envs) cenv.push_back(e.data());
  cenv.push_back(nullptr);
  int out = open(s.out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int err = open(s.err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0 || err < 0) throw std::runtime_error("cannot create " + log_prefix + ".out/.err");
  s.pid = fork();
  if (s.pid == 0) {
    dup2(out, 1);
    dup2(err, 2);
    execvpe(cargv[0], cargv.data(), cenv.data());
    _exit(127);
  }
  close(out);
  close(err);
  if (s.pid < 0) throw std::runtime_error("fork failed");
  return s;
}

Finished wait_process(const Started& p, double timeout_s) {
  Finished f;
  auto start = std::chrono::steady_clock::now();
  int status = 0;
  while (true) {
    pid_t r = waitpid(p.pid, &status, WNOHANG);
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (r == p.pid) {
      f.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      f.seconds = elapsed;
      break;
    }
    if (elapsed > timeout_s) {
      kill(p.pid, SIGKILL);
      waitpid(p.pid, &status, 0);
      f.exit_code = -1;
      f.seconds = elapsed;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  f.out = read_text(p.out_path);
  f.err = read_text(p.err_path);
  return f;
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string temp_dir(const std::string& tag) {
  std::string pattern = (std::filesystem::temp_directory_path() / ("mpteval-" + tag + "-XXXXXX")).string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace mpt::test
