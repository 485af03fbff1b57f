#include "sandbox/zygote_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/error.h"
#include "common/log.h"
#include "sandbox/sandbox_child.h"
#include "sandbox/zygote_source.h"

namespace mpt::sandbox {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(120);  // preloading under heavy load can be slow
constexpr auto kGrace = std::chrono::seconds(30);          // zygote overhead beyond a program's timeout

struct Pipe {
  int r = -1, w = -1;
};

void close_fd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

Pipe make_pipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw runtime_error("cannot start the sandbox", "pipe", "a pipe", std::strerror(errno));
  // Keep clear of 0-2, which the child's dup2 calls overwrite.
  for (int& fd : fds) {
    if (fd > 2) continue;
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    fd = moved;
  }
  return {fds[0], fds[1]};
}

void write_proc_file(pid_t pid, const char* name, const std::string& content) {
  std::string path = "/proc/" + std::to_string(pid) + "/" + name;
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  bool ok = fd >= 0 && write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  int err = errno;
  if (fd >= 0) close(fd);
  if (!ok) throw runtime_error("cannot start the sandbox", path, "a writable id map", std::strerror(err));
}

// "0 <base> 1\n1000 <base+1> 1\n": the zygote is root of its namespace only; programs are 1000.
std::string id_map(uint32_t base) {
  return "0 " + std::to_string(base) + " 1\n1000 " + std::to_string(base + 1) + " 1\n";
}

}  // namespace

ZygoteProcess::ZygoteProcess(const SandboxSetup& setup, int worker_index) : setup_(setup) {
  const Config& cfg = setup.config();
  const bool isolate = setup.isolate();
  ZygoteSettings zs;
  zs.isolate = isolate;
  zs.program_filter = setup.program_filter();
  if (isolate) {
    zs.done_path = RootView::kDonePath;
  } else {
    std::string dir = setup.unsafe_worker_dir(worker_index);
    if (mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
      throw runtime_error("cannot create a scratch directory", dir, "a new directory", std::strerror(errno));
    chmod(dir.c_str(), 0777);
    zs.done_path = dir + "/done";
    zs.unsafe_workdir = dir;
    zs.uid = zs.gid = 65534;  // used only when the harness runs as root: programs then run as nobody
  }
  std::vector<std::string> args = {cfg.interpreter, "-I", "-S", "-B", "-c", zygote_source(), encode_zygote_config(cfg, zs)};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string env_path = "PATH=/usr/bin:/bin", env_lang = "LANG=C.UTF-8";
  char* envp[] = {env_path.data(), env_lang.data(), nullptr};

  Pipe req = make_pipe(), resp = make_pipe(), err = make_pipe(), release = make_pipe(), failure = make_pipe();
  ChildPlan plan;
  plan.isolate = isolate;
  plan.release_fd = release.r;
  plan.error_fd = failure.w;
  if (isolate) {
    plan.steps = setup.root()->steps().data();
    plan.step_count = setup.root()->steps().size();
    plan.stage = setup.root()->stage().c_str();
    plan.hostname = "mpt-sandbox";
    plan.filter = setup.zygote_filter();
  }
  plan.stdio[0] = req.r;
  plan.stdio[1] = resp.w;
  plan.stdio[2] = err.w;
  plan.path = cfg.interpreter.c_str();
  plan.argv = argv.data();
  plan.envp = envp;

  unsigned long flags = CLONE_PIDFD | SIGCHLD;
  if (isolate) flags |= CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS;
  int pidfd = -1;
  // A raw clone without a new stack behaves like fork(); the child only runs async-signal-safe code.
  long pid = syscall(SYS_clone, flags, nullptr, &pidfd, nullptr, nullptr);
  if (pid == 0) run_sandbox_child(plan);
  int clone_errno = errno;
  for (int* fd : {&req.r, &resp.w, &err.w, &release.r, &failure.w}) close_fd(*fd);
  request_fd_ = req.w;
  response_fd_ = resp.r;
  stderr_fd_ = err.r;
  if (pid < 0) {
    for (int* fd : {&request_fd_, &response_fd_, &stderr_fd_, &release.w, &failure.r}) close_fd(*fd);
    throw runtime_error("cannot start the sandbox", "clone", "a new process with fresh namespaces", std::strerror(clone_errno));
  }
  pid_ = static_cast<pid_t>(pid);
  pidfd_ = pidfd;
  try {
    if (isolate) {
      write_proc_file(pid_, "uid_map", id_map(cfg.host_id_base));
      write_proc_file(pid_, "gid_map", id_map(cfg.host_id_base));
    }
    if (setup.cgroup()) {
      std::string why;
      cgroup_ = setup.cgroup()->add_worker(worker_index, pid_, cfg.limits.memory_bytes + (256ull << 20),
                                           cfg.limits.processes + 16, why);
      if (cgroup_.empty()) MPT_LOG(Warn, "sandbox worker {} runs without cgroup limits: {}", worker_index, why);
    }
    if (write(release.w, "g", 1) != 1) throw runtime_error("cannot start the sandbox", "release", "", std::strerror(errno));
    alive_fd_ = release.w;  // held open while this object lives: the child checks it after arming PDEATHSIG
    release.w = -1;
    // The failure pipe closes at exec (O_CLOEXEC); a ChildFailure arrives instead when a step failed.
    ChildFailure f{};
    pollfd p{failure.r, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(std::chrono::milliseconds(kStartTimeout).count())) <= 0)
      throw runtime_error("cannot start the sandbox", "set-up", "the interpreter to start", "no answer from the child");
    if (read(failure.r, &f, sizeof f) == static_cast<ssize_t>(sizeof f)) {
      std::string step = f.step >= 0 && setup.root() ? setup.root()->describe(static_cast<size_t>(f.step))
                                                     : child_phase_name(f.step);
      throw runtime_error("cannot start the sandbox", step, "success", std::strerror(f.error));
    }
    close_fd(failure.r);
    std::string body, error;
    if (!read_frame(response_fd_, body, Clock::now() + kStartTimeout, error))
      throw runtime_error("cannot start the sandbox", "zygote", "a ready message", error + stderr_tail());
  } catch (...) {
    close_fd(release.w);
    close_fd(failure.r);
    kill_and_reap();
    throw;
  }
}

ZygoteProcess::~ZygoteProcess() {
  if (pid_ > 0) {
    close_fd(request_fd_);  // the zygote exits at end of input
    pollfd p{pidfd_, POLLIN, 0};
    poll(&p, 1, 2000);
  }
  kill_and_reap();
}

ZygoteResponse ZygoteProcess::run(const Program& program, int64_t seq) {
  if (pid_ < 0) throw runtime_error("sandbox worker is not running", "zygote", "a live zygote", "a dead one");
  double timeout = program.timeout_seconds > 0 ? program.timeout_seconds : setup_.config().limits.timeout_seconds;
  std::string request = encode_request(program, seq, timeout, setup_.config());
  timeout = request_wall_seconds(program, timeout, setup_.config());
  std::string error, body;
  bool ok = write_frame(request_fd_, request, Clock::now() + kGrace, error) &&
            read_frame(response_fd_, body,
                       Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout)) + kGrace,
                       error);
  ZygoteResponse r;
  if (ok) {
    r = decode_response(body);
    if (r.seq != seq) ok = false, error = "the zygote answered out of step";
  }
  if (!ok) {
    std::string tail = stderr_tail();
    kill_and_reap();
    throw runtime_error("sandbox worker failed", "zygote", "an answer", error + tail);
  }
  return r;
}

void ZygoteProcess::kill_and_reap() {
  if (pid_ > 0) {
    syscall(SYS_pidfd_send_signal, pidfd_, SIGKILL, nullptr, 0);  // pid 1 of its namespace: all goes
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
  for (int* fd : {&pidfd_, &request_fd_, &response_fd_, &stderr_fd_, &alive_fd_}) close_fd(*fd);
  CgroupParent::remove_worker(cgroup_);
  cgroup_.clear();
}

std::string ZygoteProcess::stderr_tail() {
  if (stderr_fd_ < 0) return "";
  fcntl(stderr_fd_, F_SETFL, O_NONBLOCK);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(stderr_fd_, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  if (out.size() > 2000) out = "..." + out.substr(out.size() - 2000);
  return out.empty() ? "" : "; zygote stderr: " + out;
}

}  // namespace mpt::sandbox
