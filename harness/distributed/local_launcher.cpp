#include "harness/distributed/local_launcher.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "common/error.h"
#include "common/log.h"
#include "harness/distributed/c10d_group.h"
#include "harness/distributed/rank_monitor.h"

extern char** environ;

namespace mpt::dist {
namespace {

using Clock = std::chrono::steady_clock;

// The agent-store prefix ranks derive from TORCHELASTIC_RESTART_COUNT=0 (launch_environment.h).
constexpr const char* kAgentPrefix = "/worker/attempt_0";

struct RankProcess {
  int index = 0;
  pid_t pid = -1;
  int fds[2] = {-1, -1};    // read ends of the rank's stdout and stderr pipes
  std::string partial[2];   // an unfinished line per stream
  bool running = false;
};

// Blocks the signals the launcher handles and reads them from a signalfd; restores on exit.
class SignalGuard {
 public:
  SignalGuard() {
    sigemptyset(&mask_);
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&mask_, s);
    if (sigprocmask(SIG_BLOCK, &mask_, &old_) != 0) throw runtime_error("sigprocmask failed", "", "", std::strerror(errno));
    fd_ = signalfd(-1, &mask_, SFD_CLOEXEC | SFD_NONBLOCK);
    if (fd_ < 0) {
      sigprocmask(SIG_SETMASK, &old_, nullptr);
      throw runtime_error("signalfd failed", "", "", std::strerror(errno));
    }
  }
  ~SignalGuard() {
    close(fd_);
    sigprocmask(SIG_SETMASK, &old_, nullptr);
  }
  int fd() const { return fd_; }
  const sigset_t& original_mask() const { return old_; }
  // Signals received since the last call (SIGCHLD included).
  std::vector<int> drain() const {
    std::vector<int> got;
    signalfd_siginfo info;
    while (read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) got.push_back(static_cast<int>(info.ssi_signo));
    return got;
  }

 private:
  sigset_t mask_, old_;
  int fd_ = -1;
};

// A NULL-terminated char* array over strings that outlive it.
std::vector<char*> c_array(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::vector<std::string> rank_environment(int rank, int nproc, uint16_t port) {
  std::map<std::string, std::string> set = {
      {"RANK", std::to_string(rank)},
      {"LOCAL_RANK", std::to_string(rank)},
      {"WORLD_SIZE", std::to_string(nproc)},
      {"LOCAL_WORLD_SIZE", std::to_string(nproc)},
      {"GROUP_RANK", "0"},
      {"MASTER_ADDR", "127.0.0.1"},
      {"MASTER_PORT", std::to_string(port)},
      {"TORCHELASTIC_USE_AGENT_STORE", "True"},
      {"TORCHELASTIC_RESTART_COUNT", "0"},
  };
  std::vector<std::string> env;
  bool has_omp = false;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    std::string key = kv.substr(0, kv.find('='));
    if (set.count(key)) continue;
    has_omp = has_omp || key == "OMP_NUM_THREADS";
    env.push_back(kv);
  }
  if (!has_omp && nproc > 1) {
    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    set["OMP_NUM_THREADS"] = std::to_string(std::max(1u, cores / static_cast<unsigned>(nproc)));
  }
  for (const auto& [k, v] : set) env.push_back(k + "=" + v);
  return env;
}

void spawn(RankProcess& p, std::vector<std::string> argv, std::vector<std::string> env, const sigset_t& child_mask) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
    throw runtime_error("cannot create pipes for a rank", "rank " + std::to_string(p.index), "", std::strerror(errno));
  std::vector<char*> cargv = c_array(argv), cenv = c_array(env);
  pid_t pid = fork();
  if (pid < 0) throw runtime_error("cannot start a rank", "rank " + std::to_string(p.index), "", std::strerror(errno));
  if (pid == 0) {
    // Child: async-signal-safe calls only.
    setpgid(0, 0);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    close_range(3, ~0U, 0);
    sigprocmask(SIG_SETMASK, &child_mask, nullptr);
    execvpe(cargv[0], cargv.data(), cenv.data());
    const char* msg = "mpt-eval launch: cannot execute the rank's command\n";
    (void)!write(STDERR_FILENO, msg, std::strlen(msg));
    _exit(127);
  }
  setpgid(pid, pid);  // also here, so that signals sent right after fork reach the group
  close(out[1]);
  close(err[1]);
  p.pid = pid;
  p.fds[0] = out[0];
  p.fds[1] = err[0];
  p.running = true;
}

void write_all(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t n = write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// Copies what a rank wrote, whole lines at a time, tagged. Returns false at end of file.
bool pump(RankProcess& p, int stream, bool tag) {
  char buf[65536];
  ssize_t n = read(p.fds[stream], buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  const int target = stream == 0 ? STDOUT_FILENO : STDERR_FILENO;
  const std::string prefix = tag ? fmt::format("[rank {}] ", p.index) : "";
  std::string& partial = p.partial[stream];
  if (n <= 0) {
    if (!partial.empty()) write_all(target, prefix + partial + "\n");
    partial.clear();
    close(p.fds[stream]);
    p.fds[stream] = -1;
    return false;
  }
  partial.append(buf, static_cast<size_t>(n));
  std::string out;
  size_t start = 0, nl;
  while ((nl = partial.find('\n', start)) != std::string::npos) {
    out += prefix;
    out.append(partial, start, nl - start + 1);
    start = nl + 1;
  }
  partial.erase(0, start);
  if (!out.empty()) write_all(target, out);
  return true;
}

std::string describe_exit(const RankProcess& p, int status) {
  if (WIFSIGNALED(status))
    return fmt::format("rank {} (pid {}) was killed by signal {} ({})", p.index, p.pid, WTERMSIG(status),
                       strsignal(WTERMSIG(status)));
  return fmt::format("rank {} (pid {}) exited with code {}", p.index, p.pid, WEXITSTATUS(status));
}

void signal_all(std::vector<RankProcess>& ranks, int sig) {
  for (RankProcess& p : ranks)
    if (p.running) kill(-p.pid, sig);
}

}  // namespace

std::string self_executable() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw runtime_error("cannot find the mpt-eval executable", "/proc/self/exe", "", std::strerror(errno));
  return std::string(buf, static_cast<size_t>(n));
}

LocalLaunchResult launch_local(const LocalLaunchOptions& options) {
  if (options.nproc < 1) throw input_error("invalid number of ranks", "--nproc", "at least 1", std::to_string(options.nproc));
  if (options.command.empty()) throw input_error("nothing to launch", "launch", "a command after --", "none");

  // Signals are blocked before any thread starts (the store's server thread inherits the mask),
  // so that they reach the signalfd instead of killing the launcher.
  SignalGuard signals;
  uint16_t port = options.master_port;
  std::unique_ptr<KeyValueStore> control;
  try {
    control = host_control_store(port, kAgentPrefix);
  } catch (const std::exception& e) {
    throw runtime_error("cannot host the job's store", fmt::format("port {}", options.master_port),
                        "a free TCP port", e.what());
  }
  MPT_LOG(Info, "launch: {} ranks of '{}', store at 127.0.0.1:{}", options.nproc, options.command.front(), port);

  std::vector<RankProcess> ranks(static_cast<size_t>(options.nproc));
  LocalLaunchResult result;
  std::optional<Clock::time_point> failed_at, term_at, kill_at;
  int interrupted = 0;

  auto fail = [&](const std::string& what, int code) {
    if (!result.failure.empty()) return;
    result.failure = what;
    result.exit_code = code;
    try {
      control->set(control_keys::abort_message("launcher"), what);
      control->add(control_keys::kAbortCount, 1);
    } catch (const std::exception& e) {
      MPT_LOG(Warn, "launch: could not tell the ranks: {}", e.what());
    }
    failed_at = Clock::now();
    if (!term_at) term_at = *failed_at + options.grace;
  };

  try {
    for (int r = 0; r < options.nproc; ++r) {
      ranks[static_cast<size_t>(r)].index = r;
      spawn(ranks[static_cast<size_t>(r)], options.command, rank_environment(r, options.nproc, port),
            signals.original_mask());
    }
  } catch (const Error& e) {
    fail(e.what(), 1);
    signal_all(ranks, SIGTERM);
  }

  auto any_running = [&] {
    for (const RankProcess& p : ranks)
      if (p.running) return true;
    return false;
  };
  std::optional<Clock::time_point> drained_by;
  while (true) {
    std::vector<pollfd> fds{{signals.fd(), POLLIN, 0}};
    std::vector<std::pair<RankProcess*, int>> owners;
    for (RankProcess& p : ranks)
      for (int s = 0; s < 2; ++s)
        if (p.fds[s] >= 0) {
          fds.push_back({p.fds[s], POLLIN, 0});
          owners.emplace_back(&p, s);
        }
    if (!any_running()) {
      // Output may still be buffered in pipes (or held open by a rank's leftover children).
      if (owners.empty()) break;
      if (!drained_by) drained_by = Clock::now() + std::chrono::seconds(2);
      if (Clock::now() > *drained_by) {
        for (auto& [p, s] : owners) close(p->fds[s]), p->fds[s] = -1;
        break;
      }
    }
    poll(fds.data(), fds.size(), 100);
    for (size_t i = 1; i < fds.size(); ++i)
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) pump(*owners[i - 1].first, owners[i - 1].second, options.tag_output);
    for (int sig : signals.drain()) {
      if (sig == SIGCHLD) continue;
      interrupted = sig;
      MPT_LOG(Warn, "launch: {} received, forwarding it to the ranks", strsignal(sig));
      signal_all(ranks, sig);
      if (!kill_at) kill_at = Clock::now() + options.grace;
    }
    for (RankProcess& p : ranks) {
      if (!p.running) continue;
      int status = 0;
      if (waitpid(p.pid, &status, WNOHANG) != p.pid) continue;
      p.running = false;
      bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
      if (ok) {
        MPT_LOG(Debug, "launch: rank {} finished", p.index);
        continue;
      }
      std::string what = describe_exit(p, status);
      if (interrupted) {
        MPT_LOG(Debug, "launch: {}", what);
        continue;
      }
      if (result.failure.empty())
        MPT_LOG(Error, "launch: {}; stopping the other ranks", what);
      else
        MPT_LOG(Info, "launch: {} ({:.1f} s after the first failure)", what,
                std::chrono::duration<double>(Clock::now() - *failed_at).count());
      fail(what, WIFEXITED(status) ? WEXITSTATUS(status) : 1);
    }
    auto now = Clock::now();
    if (term_at && now > *term_at && any_running() && !kill_at) {
      MPT_LOG(Warn, "launch: ranks still running {} s after the failure: sending SIGTERM",
              std::chrono::duration_cast<std::chrono::seconds>(options.grace).count());
      signal_all(ranks, SIGTERM);
      kill_at = now + options.grace;
    }
    if (kill_at && now > *kill_at && any_running()) {
      signal_all(ranks, SIGKILL);
      kill_at = now + std::chrono::hours(24);
    }
  }
  if (interrupted && result.failure.empty()) {
    result.failure = fmt::format("interrupted by {}", strsignal(interrupted));
    result.exit_code = 1;
  }
  return result;
}

}  // namespace mpt::dist
