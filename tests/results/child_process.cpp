#include "tests/results/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace mpt::test {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Child spawn(const std::vector<std::string>& argv) {
  Child c;
  char out_tmpl[] = "/tmp/writer_out_XXXXXX";
  char err_tmpl[] = "/tmp/writer_err_XXXXXX";
  int out_fd = mkstemp(out_tmpl), err_fd = mkstemp(err_tmpl);
  if (out_fd < 0 || err_fd < 0) throw std::runtime_error("mkstemp failed");
  c.out_path = out_tmpl;
  c.err_path = err_tmpl;
  c.pid = fork();
  if (c.pid < 0) throw std::runtime_error("fork failed");
  if (c.pid == 0) {
    setpgid(0, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    std::vector<char*> args;
    std::vector<std::string> copy = argv;
    for (auto& a : copy) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out_fd);
  close(err_fd);
  return c;
}

ChildResult wait_for(const Child& c) {
  bool timed_out = false;
  return wait_for(c, -1.0, &timed_out);
}

ChildResult wait_for(const Child& c, double timeout_s, bool* timed_out) {
  int status = 0;
  *timed_out = false;
  if (timeout_s < 0) {
    waitpid(c.pid, &status, 0);
  } else {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (waitpid(c.pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        *timed_out = true;
        kill(-c.pid, SIGKILL);
        waitpid(c.pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ChildResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(c.out_path);
  r.err = slurp(c.err_path);
  unlink(c.out_path.c_str());
  unlink(c.err_path.c_str());
  return r;
}

ChildResult kill9(const Child& c) {
  kill(c.pid, SIGKILL);
  return wait_for(c);
}

}  // namespace mpt::test
