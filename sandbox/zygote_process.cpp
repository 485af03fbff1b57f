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

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>

#include "common/error.h"
#include "common/log.h"
#include "sandbox/sandbox_child.h"
#include "sandbox/zygote_source.h"

namespace mpt::sandbox {
namespace {

namespace bp = boost::process;

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

// In the process Boost.Process forked (the starter): start_zygote returns there only in the zygote,
// which Boost.Process then execs. A starter that could not start it has written a ChildFailure and
// fails Boost.Process's start too; the parent then reaps it.
struct ZygoteStarter : bp::extend::handler {
  explicit ZygoteStarter(const StarterPlan* p) : plan(p) {}
  const StarterPlan* plan;
  template <class Executor>
  void on_exec_setup(Executor& exec) const {
    if (start_zygote(*plan) == 0) return;
    exec.set_error(std::error_code(errno, std::system_category()), "");
    _exit(EXIT_FAILURE);
  }
  template <class Executor>
  void on_error(Executor& exec, const std::error_code&) const {
    if (exec.pid > 0)
      while (waitpid(exec.pid, nullptr, 0) < 0 && errno == EINTR) {
      }
  }
};

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
  bp::environment environment;
  environment["PATH"] = "/usr/bin:/bin";
  environment["LANG"] = "C.UTF-8";
  const std::string map = isolate ? id_map(cfg.host_id_base) : "";

  Pipe req = make_pipe(), resp = make_pipe(), err = make_pipe(), release = make_pipe(), failure = make_pipe(),
       report = make_pipe();
  StarterPlan plan;
  plan.harness = getpid();
  plan.pid_fd = report.w;
  plan.release_w = release.w;
  ChildPlan& child = plan.child;
  child.isolate = isolate;
  child.release_fd = release.r;
  child.error_fd = failure.w;
  if (isolate) {
    plan.clone_flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS;
    plan.id_map = map.c_str();
    plan.id_map_size = map.size();
    child.steps = setup.root()->steps().data();
    child.step_count = setup.root()->steps().size();
    child.stage = setup.root()->stage().c_str();
    child.hostname = "mpt-sandbox";
    child.filter = setup.zygote_filter();
  }
  child.stdio[0] = req.r;
  child.stdio[1] = resp.w;
  child.stdio[2] = err.w;

  // Returns once the zygote has exec'd the interpreter, or failed; the starter exits at once.
  std::error_code start_error;
  {
    bp::child starter(bp::exe = cfg.interpreter,
                      bp::args = std::vector<std::string>{"-I", "-S", "-B", "-c", zygote_source(),
                                                          encode_zygote_config(cfg, zs)},
                      bp::env = environment, ZygoteStarter(&plan), start_error);
    if (!start_error) starter.wait(start_error);
  }
  for (int* fd : {&req.r, &resp.w, &err.w, &release.r, &failure.w, &report.w}) close_fd(*fd);
  request_fd_ = req.w;
  response_fd_ = resp.r;
  stderr_fd_ = err.r;
  // The zygote is this process's child (CLONE_PARENT): its pid, once reported, is safe to use until
  // it is reaped here.
  pid_t zygote = -1;
  if (read(report.r, &zygote, sizeof zygote) == static_cast<ssize_t>(sizeof zygote) && zygote > 0) {
    pid_ = zygote;
    pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, zygote, 0));
  }
  close_fd(report.r);
  try {
    // The failure pipe closed at exec (O_CLOEXEC); a ChildFailure is there instead when a step of the
    // starter or of the zygote's set-up failed.
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
    if (start_error)  // nothing in the failure pipe: the exec itself failed
      throw runtime_error("cannot start the sandbox", "execute " + cfg.interpreter, "success", start_error.message());
    if (pid_ < 0) throw runtime_error("cannot start the sandbox", "starter", "the zygote's pid", "no report");
    if (pidfd_ < 0) throw runtime_error("cannot start the sandbox", "pidfd_open", "a pidfd", std::strerror(errno));
    alive_fd_ = release.w;  // held open while this object lives: the child checks it after arming PDEATHSIG
    release.w = -1;
    if (setup.cgroup()) {
      // After its exec, before its first program: every program it starts is in the group.
      std::string why;
      cgroup_ = setup.cgroup()->add_worker(worker_index, pid_, cfg.limits.memory_bytes + (256ull << 20),
                                           cfg.limits.processes + 16, why);
      if (cgroup_.empty()) MPT_LOG(Warn, "sandbox worker {} runs without cgroup limits: {}", worker_index, why);
    }
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
    kill(pid_, SIGKILL);  // pid 1 of its namespace: all goes (our unreaped child: the pid is its own)
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
