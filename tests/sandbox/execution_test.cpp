// The pool end to end: isolation probe, what a program sees, the callback API, canonical
// HumanEval solutions, and recovery from a sandbox that dies (an infrastructure error, retried).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "sandbox/isolation_probe.h"
#include "tasks/code/code_problem.h"
#include "tasks/code/program_assembly.h"
#include "tests/sandbox/sandbox_test_util.h"

namespace mpt::test {
namespace {

using sandbox::Verdict;

TEST(IsolationProbe, ThisMachineHasEveryRequiredLayer) {
  sandbox::IsolationReport r = sandbox::probe_isolation(sandbox::Config{});
  EXPECT_TRUE(r.isolated) << (r.missing.empty() ? "" : r.missing.front());
  EXPECT_TRUE(r.missing.empty());
  EXPECT_EQ(r.level.rfind("isolated: user+pid+net+mount+ipc+uts namespaces per program, seccomp, no_new_privs", 0), 0u)
      << r.level;
  sandbox::Config unsafe;
  unsafe.unsafe_no_sandbox = true;
  EXPECT_EQ(sandbox::probe_isolation(unsafe).level.rfind("UNSAFE", 0), 0u);
}

TEST(Execution, WhatAProgramSees) {
  sandbox::SandboxPool pool(test_config());
  EXPECT_EQ(pool.workers(), 2);
  sandbox::ExecutionResult r = pool.submit(program(
      "import os, socket\n"
      "print(os.getuid(), os.getgid(), os.getpid(), os.getcwd(), socket.gethostname())\n"
      "print(sorted(os.listdir('/')))\nprint(os.listdir('/proc'), sorted(os.environ))\n"
      "def f(x):\n    return x + 1\n")).get();
  // gethostname is an audited socket call outside the harness frame: forbidden like any socket use.
  EXPECT_EQ(r.result, "failed: forbidden operation in the sandbox: socket.gethostname");
  r = pool.submit(program(
      "import os\nprint(os.getuid(), os.getgid(), os.getpid(), os.getcwd(), os.uname().nodename)\n"
      "print(sorted(os.listdir('/')))\nprint(os.listdir('/proc'), sorted(os.environ))\n"
      "def f(x):\n    return x + 1\n")).get();
  ASSERT_TRUE(r.passed()) << r.result << r.stderr_text;
  EXPECT_EQ(r.stdout_text,
            "1000 1000 1 /tmp mpt-sandbox\n"
            "['.mpt', 'bin', 'dev', 'etc', 'lib', 'lib32', 'lib64', 'proc', 'sbin', 'tmp', 'usr']\n"
            "[] ['LANG', 'PATH']\n");
  EXPECT_EQ(r.isolation, pool.isolation());
  EXPECT_EQ(r.attempts, 1);
}

TEST(Execution, CallbacksArriveForProgramsSubmittedWhileOthersRun) {
  sandbox::SandboxPool pool(test_config());
  std::atomic<int> passed{0}, done{0};
  for (int i = 0; i < 12; ++i) {
    pool.submit(program(i % 3 == 0 ? "import time\ntime.sleep(0.2)\ndef f(x):\n    return x + 1\n"
                                   : "def f(x):\n    return x + 1\n"),
                [&](sandbox::ExecutionResult r) {
                  passed += r.passed();
                  ++done;
                });
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // a generator handing over completions
  }
  for (int i = 0; i < 500 && done < 12; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(done, 12);
  EXPECT_EQ(passed, 12);
  EXPECT_EQ(pool.stats().verdicts[Verdict::Passed], 12);
}

TEST(Execution, CanonicalHumanEvalSolutionsPassAndEmptyOnesFail) {
  auto problems = code::load_code_problems(std::string(MPTEVAL_SOURCE_DIR) + "/data/humaneval/HumanEval.jsonl.gz");
  sandbox::Config config = test_config(10.0);  // generous: the machine may be busy
  sandbox::SandboxPool pool(config);
  std::vector<sandbox::Program> canonical, empty;
  for (sandbox::Checking checking : {sandbox::Checking::SplitProcess, sandbox::Checking::InProcess}) {
    for (const auto& p : problems) {
      auto a = code::assemble_program(p, p.canonical_solution);
      canonical.push_back({a.solution, a.test, a.entry_point, a.prelude, checking});
      a = code::assemble_program(p, "    pass\n");
      empty.push_back({a.solution, a.test, a.entry_point, a.prelude, checking});
    }
  }
  int passed = 0;
  std::vector<sandbox::ExecutionResult> results = run_all(pool, canonical);
  for (size_t i = 0; i < results.size(); ++i) {
    passed += results[i].passed();
    EXPECT_TRUE(results[i].passed()) << problems[i % problems.size()].task_id << " ("
                                     << sandbox::checking_name(canonical[i].checking) << "): " << results[i].result;
  }
  EXPECT_EQ(passed, 2 * 164);
  passed = 0;
  for (const auto& r : run_all(pool, empty)) passed += r.passed();
  EXPECT_EQ(passed, 0);
}

TEST(Execution, ADeadSandboxIsAnInfrastructureErrorRetriedOnAFreshOne) {
  sandbox::Config config = test_config(10.0);
  config.workers = 1;
  sandbox::SandboxPool pool(config);
  auto future = pool.submit(program("import time\ntime.sleep(1.0)\ndef f(x):\n    return x + 1\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  std::vector<pid_t> zygotes = processes_of_uid(config.host_id_base);
  ASSERT_FALSE(zygotes.empty());
  for (pid_t z : zygotes) kill(z, SIGKILL);  // the worker's sandbox dies under the running program
  sandbox::ExecutionResult r = future.get();
  EXPECT_TRUE(r.passed()) << r.result;
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(pool.stats().retried, 1);
}

TEST(Execution, SandboxesDieWithTheHarness) {
  sandbox::Config config = test_config(30.0);
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t harness = fork();
  if (harness == 0) {  // a harness that gets killed while its programs run
    sandbox::SandboxPool pool(config);
    for (int i = 0; i < 2; ++i)
      pool.submit(program("import os, time\nos.fork()\ntime.sleep(60)\n"), [](sandbox::ExecutionResult) {});
    (void)!write(ready[1], "r", 1);
    std::this_thread::sleep_for(std::chrono::seconds(60));
    _exit(0);
  }
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  // Two programs run, each as a checker and a candidate, and each candidate's child.
  for (int i = 0; i < 500 && processes_of_uid(config.host_id_base + 1).size() < 6; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(processes_of_uid(config.host_id_base + 1).size(), 6u);
  kill(harness, SIGKILL);
  waitpid(harness, nullptr, 0);
  size_t left = 1;
  for (int i = 0; i < 100 && left; ++i) {  // the kernel tears the namespaces down asynchronously
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    left = processes_of_uid(config.host_id_base).size() + processes_of_uid(config.host_id_base + 1).size();
  }
  EXPECT_EQ(left, 0u);
  close(ready[0]);
  close(ready[1]);
}

TEST(Execution, AProgramThatNeverDefinesTheEntryPointFailsLikeHumanEval) {
  sandbox::SandboxPool pool(test_config());
  auto results = run_all(pool, {program("x = 1\n"), program("def f(x)\n    return 1\n"),
                                sandbox::Program{"def f(x):\n    return 2\n", "def chek(c):\n    pass\n", "f"}});
  EXPECT_EQ(results[0].result, "failed: name 'f' is not defined");
  EXPECT_EQ(results[1].result.rfind("failed: expected ':'", 0), 0u) << results[1].result;
  EXPECT_EQ(results[2].result, "failed: the test does not define exactly one function named check");
}

}  // namespace
}  // namespace mpt::test
