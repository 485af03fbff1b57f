#include "dist/local_launcher.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/process/args.hpp>
#include <boost/process/async_pipe.hpp>
#include <boost/process/child.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/group.hpp>
#include <boost/process/io.hpp>
#include <boost/process/search_path.hpp>
#include <fmt/format.h>

#include "common/error.h"
#include "common/log.h"
#include "dist/c10d_group.h"
#include "dist/rank_monitor.h"

extern char** environ;

namespace mpt::dist {
namespace {

namespace asio = boost::asio;
namespace bp = boost::process;
using Clock = std::chrono::steady_clock;

// The agent-store prefix ranks derive from TORCHELASTIC_RESTART_COUNT=0 (launch_environment.h).
constexpr const char* kAgentPrefix = "/worker/attempt_0";

// One stream of a rank (its stdout or stderr), copied to ours a whole line at a time.
struct RankStream {
  explicit RankStream(asio::io_context& io) : pipe(io) {}
  bp::async_pipe pipe;
  std::array<char, 65536> buffer{};
  std::string partial;  // an unfinished line
  bool open = true;
};

struct RankProcess {
  int index = 0;
  bp::group group;   // the rank's own process group: signals reach the programs it started too
  bp::child child;
  std::unique_ptr<RankStream> streams[2];  // stdout, stderr
  bool running = false;
};

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

// In the rank's process between fork and exec: every inherited descriptor above stderr is marked
// close-on-exec (the launcher's store sockets, other ranks' pipes). Marking, not closing, keeps the
// pipe Boost.Process reports a failed exec through; close_range is async-signal-safe (the store's
// thread may hold the allocator's lock at fork, so nothing here may allocate).
struct CloseInheritedDescriptors : bp::extend::handler {
  template <class Executor>
  void on_exec_setup(Executor&) const {
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  }
};

void write_all(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t n = write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// Copies what a rank writes on `stream`, whole lines at a time, tagged; at end of file the last,
// unfinished line too. Re-arms itself until then.
void pump(RankProcess& p, int stream, bool tag) {
  RankStream& s = *p.streams[stream];
  s.pipe.async_read_some(asio::buffer(s.buffer), [&p, stream, tag](const boost::system::error_code& ec, size_t n) {
    RankStream& s = *p.streams[stream];
    const int target = stream == 0 ? STDOUT_FILENO : STDERR_FILENO;
    const std::string prefix = tag ? fmt::format("[rank {}] ", p.index) : "";
    if (ec == asio::error::operation_aborted && !s.open) return;  // closed by the launcher
    if (ec || n == 0) {
      if (!s.partial.empty()) write_all(target, prefix + s.partial + "\n");
      s.partial.clear();
      boost::system::error_code ignored;
      s.pipe.close(ignored);
      s.open = false;
      return;
    }
    s.partial.append(s.buffer.data(), n);
    std::string out;
    size_t start = 0, nl;
    while ((nl = s.partial.find('\n', start)) != std::string::npos) {
      out += prefix;
      out.append(s.partial, start, nl - start + 1);
      start = nl + 1;
    }
    s.partial.erase(0, start);
    if (!out.empty()) write_all(target, out);
    pump(p, stream, tag);
  });
}

// Starts rank `p` with `argv` (the program found on PATH when it names no directory, as execvp
// does) and `env`, its stdout and stderr read through the launcher's event loop.
void spawn(RankProcess& p, asio::io_context& io, const std::vector<std::string>& argv,
           const std::vector<std::string>& env, bool tag) {
  const std::string where = "rank " + std::to_string(p.index);
  bp::environment environment;
  for (const std::string& kv : env) {
    size_t eq = kv.find('=');
    if (eq != std::string::npos && eq > 0) environment[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  std::string program = argv.front();
  if (program.find('/') == std::string::npos) {
    boost::filesystem::path found = bp::search_path(program);
    if (found.empty())
      throw runtime_error("cannot start a rank", where, "a program on PATH", "'" + program + "' was not found");
    program = found.string();
  }
  for (auto& s : p.streams) s = std::make_unique<RankStream>(io);
  std::error_code ec;
  p.child = bp::child(bp::exe = program, bp::args = std::vector<std::string>(argv.begin() + 1, argv.end()),
                      bp::env = environment, bp::std_out > p.streams[0]->pipe, bp::std_err > p.streams[1]->pipe,
                      p.group, CloseInheritedDescriptors{}, ec);
  if (ec) throw runtime_error("cannot start a rank", where, "", "'" + program + "': " + ec.message());
  p.group.detach();  // a rank's leftover programs are the rank's business, as with torchrun
  p.running = true;
  pump(p, 0, tag);
  pump(p, 1, tag);
}

std::string describe_exit(const RankProcess& p, int status) {
  if (WIFSIGNALED(status))
    return fmt::format("rank {} (pid {}) was killed by signal {} ({})", p.index, p.child.id(), WTERMSIG(status),
                       strsignal(WTERMSIG(status)));
  return fmt::format("rank {} (pid {}) exited with code {}", p.index, p.child.id(), WEXITSTATUS(status));
}

void signal_all(std::vector<std::unique_ptr<RankProcess>>& ranks, int sig) {
  for (auto& p : ranks)
    if (p->running) kill(-p->group.native_handle(), sig);
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

  // The signals to forward are caught from here on (before the store's log line, which tells a
  // supervisor the launcher is up); the ranks start with default dispositions.
  asio::io_context io;
  asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  std::vector<int> received;
  std::function<void()> watch_signals = [&] {
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      received.push_back(sig);
      watch_signals();
    });
  };
  watch_signals();

  uint16_t port = options.master_port;
  std::unique_ptr<KeyValueStore> control;
  try {
    control = host_control_store(port, kAgentPrefix);
  } catch (const std::exception& e) {
    throw runtime_error("cannot host the job's store", fmt::format("port {}", options.master_port),
                        "a free TCP port", e.what());
  }
  MPT_LOG(Info, "launch: {} ranks of '{}', store at 127.0.0.1:{}", options.nproc, options.command.front(), port);

  std::vector<std::unique_ptr<RankProcess>> ranks;
  for (int r = 0; r < options.nproc; ++r) {
    ranks.push_back(std::make_unique<RankProcess>());
    ranks.back()->index = r;
  }
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
    for (auto& p : ranks)
      spawn(*p, io, options.command, rank_environment(p->index, options.nproc, port), options.tag_output);
  } catch (const Error& e) {
    fail(e.what(), 1);
    signal_all(ranks, SIGTERM);
  }

  auto any_running = [&] {
    for (const auto& p : ranks)
      if (p->running) return true;
    return false;
  };
  auto any_stream_open = [&] {
    for (const auto& p : ranks)
      for (const auto& s : p->streams)
        if (s && s->open) return true;
    return false;
  };
  std::optional<Clock::time_point> drained_by;
  while (true) {
    if (!any_running()) {
      // Output may still be buffered in pipes (or held open by a rank's leftover children).
      if (!any_stream_open()) break;
      if (!drained_by) drained_by = Clock::now() + std::chrono::seconds(2);
      if (Clock::now() > *drained_by) {
        for (auto& p : ranks)
          for (auto& s : p->streams)
            if (s && s->open) {
              s->open = false;
              boost::system::error_code ignored;
              s->pipe.close(ignored);
            }
        io.poll();  // the aborted reads' handlers
        break;
      }
    }
    io.run_for(std::chrono::milliseconds(100));  // rank output and signals, as they come
    for (int sig : received) {
      interrupted = sig;
      MPT_LOG(Warn, "launch: {} received, forwarding it to the ranks", strsignal(sig));
      signal_all(ranks, sig);
      if (!kill_at) kill_at = Clock::now() + options.grace;
    }
    received.clear();
    for (auto& p : ranks) {
      if (!p->running) continue;
      std::error_code ec;
      if (p->child.running(ec) || ec) continue;
      p->running = false;
      int status = p->child.native_exit_code();
      bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
      if (ok) {
        MPT_LOG(Debug, "launch: rank {} finished", p->index);
        continue;
      }
      std::string what = describe_exit(*p, status);
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
