// The adversarial suite: hostile programs, each with the verdict the sandbox must give it, run in
// parallel through one pool, each under both checking modes (split-process, the default, and
// in-process). Afterwards: no process of the sandbox's uids is left on the host, the
// host canary files are untouched, the harness still runs programs, and every result is intact.
//
// Most programs attack and would pass check() if the attack worked; a blocked attack raises, so
// their expected verdict is `failed`, with the error that proves which layer stopped it.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "tests/sandbox/sandbox_test_util.h"

namespace mpt::test {
namespace {

using sandbox::Verdict;
namespace fs = std::filesystem;

struct Case {
  std::string name;
  std::string solution;
  Verdict expected;
  std::string result_has;  // a substring of the result string ("" = any)
  // Where split-process checking answers differently (unset / empty: as above).
  std::optional<Verdict> split_expected = std::nullopt;
  std::string split_result_has = "";
};

const Verdict* expected_verdict(const Case& c, sandbox::Checking m) {
  return m == sandbox::Checking::SplitProcess && c.split_expected ? &*c.split_expected : &c.expected;
}
const std::string& expected_text(const Case& c, sandbox::Checking m) {
  return m == sandbox::Checking::SplitProcess && !c.split_result_has.empty() ? c.split_result_has : c.result_has;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
  return s;
}

const char* const kGood = "def f(x):\n    return x + 1\n";

// spec(name): a module spec naming an extension module's file in lib-dynload (the import system's
// finders no longer see those files: they are hidden under /dev/null).
const std::string kHandMadeSpec =
    "import _imp, os, types, _json\n"
    "def spec(name):\n    d = os.path.dirname(_json.__file__)\n"
    "    return types.SimpleNamespace(name=name, origin=os.path.join(d, [n for n in os.listdir(d) if n.startswith(name + '.')][0]))\n";

std::vector<Case> hostile_cases() {
  std::string good = kGood;
  return {
      // Time and processes.
      {"infinite_loop", "while True:\n    pass\n", Verdict::Timeout, "timed out"},
      {"sleep", "import time\ntime.sleep(60)\n", Verdict::Timeout, "timed out"},
      {"signals_ignored_then_loop",
       "import signal\nfor s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM, signal.SIGUSR1, "
       "signal.SIGXCPU):\n    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    pass\n",
       Verdict::Timeout, "timed out"},
      {"fork_bomb", "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
       Verdict::Timeout, "timed out"},
      {"double_fork_setsid_outlives_the_run",  // passes; its grandchild must not survive the run
       "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        time.sleep(30)\n"
       "    os._exit(0)\n" + good,
       Verdict::Passed, "passed"},
      {"close_stdout_then_hang", "import os\nos.close(1)\nos.close(2)\nwhile True:\n    pass\n", Verdict::Timeout,
       "timed out"},
      {"recursion_until_the_stack_breaks",
       "import json, sys\nsys.setrecursionlimit(10**8)\njson.loads('[' * 10**6)\n",
       Verdict::Crashed, "signal 11"},
      // Memory, files, output.
      {"memory_bomb", "x = bytearray(8 << 30)\n", Verdict::Memory, "MemoryError"},
      {"memory_bomb_gradual", "chunks = []\nwhile True:\n    chunks.append(bytearray(32 << 20))\n", Verdict::Memory,
       "MemoryError"},
      {"file_size_bomb", "with open('big', 'wb') as out:\n    while True:\n        out.write(b'x' * (1 << 20))\n",
       Verdict::Failed, "File too large"},
      {"inode_bomb", "for i in range(100000):\n    open('f%d' % i, 'w').close()\n", Verdict::Failed,
       "No space left on device"},
      {"print_forever", "while True:\n    print('x' * 1000)\n", Verdict::OutputLimit, "output limit"},
      {"read_stdin", "import sys\nassert sys.stdin.read() == ''\n" + good, Verdict::Passed, "passed"},
      // The host's files and environment.
      {"write_outside_workdir", "open('/usr/pwned', 'w').write('x')\n" + good, Verdict::Failed, "Read-only file system"},
      {"write_the_canary", "open('@CANARY@/pwned', 'w').write('x')\n" + good, Verdict::Failed, "No such file"},
      {"delete_the_canary", "import shutil\nshutil.rmtree('@CANARY@')\n" + good, Verdict::Failed, "No such file"},
      {"read_host_files", "print(open('@CANARY@/secret.txt').read())\n" + good, Verdict::Failed, "No such file"},
      {"read_etc_passwd", "print(open('/etc/passwd').read())\n" + good, Verdict::Failed, "No such file"},
      {"read_the_environment", "import os\nprint(os.environ['MPT_SANDBOX_TEST_SECRET'])\n" + good, Verdict::Failed,
       "MPT_SANDBOX_TEST_SECRET"},
      {"symlink_to_a_host_file", "import os\nos.symlink('@CANARY@/secret.txt', 'link')\nprint(open('link').read())\n" + good,
       Verdict::Failed, "No such file"},
      {"symlink_through_proc_root", "import os\nos.symlink('/proc/1/root/work', 'r')\nprint(os.listdir('r'))\n" + good,
       Verdict::Failed, "No such file"},
      // Network.
      {"network_outside", "import socket\nsocket.create_connection(('1.1.1.1', 80), timeout=1)\n" + good,
       Verdict::Failed, "forbidden operation in the sandbox: socket"},
      {"dns", "import socket\nsocket.getaddrinfo('example.com', 80)\n" + good, Verdict::Failed,
       "forbidden operation in the sandbox: socket"},
      {"loopback_port_on_the_host", "import socket\nsocket.create_connection(('127.0.0.1', @PORT@), timeout=1)\n" + good,
       Verdict::Failed, "forbidden operation in the sandbox: socket"},
      // Other processes.
      {"kill_the_parent", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n" + good, Verdict::Passed, "passed"},
      {"kill_minus_one", "import os, signal\nos.kill(-1, signal.SIGKILL)\n" + good, Verdict::Failed, "No such process"},
      {"ptrace_the_parent", "import ctypes, os\nctypes.CDLL(None).ptrace(16, os.getppid(), 0, 0)\n" + good,
       Verdict::Failed, "forbidden operation in the sandbox: import ctypes"},
      {"list_host_processes", "import os\npids = [p for p in os.listdir('/proc') if p.isdigit()]\nassert pids, 'no process visible'\n" + good,
       Verdict::Failed, "no process visible"},
      {"exec_another_interpreter", "import os\nos.execv('/usr/bin/python3', ['python3', '-c', 'pass'])\n", Verdict::Failed,
       "Operation not permitted"},
      {"subprocess", "import subprocess\nsubprocess.run(['/usr/bin/true'])\n" + good, Verdict::Failed,
       "Operation not permitted"},
      {"create_user_namespace", "import ctypes\nassert ctypes.CDLL(None).unshare(0x10000000) == 0\n" + good,
       Verdict::Failed, "forbidden operation in the sandbox: import ctypes"},
      {"become_root", "import os\nos.setuid(0)\n" + good, Verdict::Failed, "Operation not permitted"},
      {"leak_file_descriptors",
       "import os\ndef is_open(fd):\n    try:\n        os.fstat(fd)\n        return True\n    except OSError:\n        return False\n"
       "fds = [fd for fd in range(4096) if is_open(fd)]\nassert len(fds) > 6, 'only %s' % fds\n" + good,
       Verdict::Failed, "only [0, 1, 2, 3]", std::nullopt, "only [0, 1, 2, 3, 4, 5]"},
      // Leaving early and forging the result.
      {"sys_exit_before_the_check", "import sys\nsys.exit(0)\n" + good, Verdict::Failed, "failed: 0"},
      {"os_exit_before_the_check", "import os\nos._exit(0)\n" + good, Verdict::Failed, "exited before its tests finished"},
      {"exception_swallowed",
       "import atexit, os, sys\nsys.excepthook = lambda *a: os._exit(0)\natexit.register(os._exit, 0)\n"
       "def f(x):\n    return 0\n",
       Verdict::Failed, "failed: "},
      {"forge_marker_through_frame_inspection",
       "import os, socket, sys\ndef f(x):\n    found, frame = [], sys._getframe()\n    while frame is not None:\n"
       "        found += [v for v in frame.f_locals.values() if isinstance(v, (str, bytes))]\n        frame = frame.f_back\n"
       "    for fd in range(3, 64):\n        for v in found:\n            try:\n"
       "                os.write(fd, v if isinstance(v, bytes) else v.encode())\n            except OSError:\n"
       "                pass\n    for v in found:\n        if isinstance(v, str) and v.startswith('/'):\n"
       "            s = socket.socket(socket.AF_UNIX)\n            s.connect(v)\n    os._exit(0)\n",
       // split: what it writes on the channel's fd is no frame the checker accepts
       Verdict::Failed, "forbidden operation in the sandbox: socket", std::nullopt, "failed: a frame of"},
      {"forge_by_calling_the_wrapper",
       "import sys\ndef f(x):\n    frame = sys._getframe()\n    while 'req' not in frame.f_locals:\n        frame = frame.f_back\n"
       "    seq = frame.f_locals['req']['seq']\n    wrapper = sys.modules['__main__'].run_checked\n"
       "    wrapper('def g(x):\\n    return 0\\n', 'def check(c):\\n    pass\\n', 'g', seq, '/.mpt/done', False, (), None)\n"
       "    import os\n    os._exit(0)\n",
       Verdict::Failed, "forbidden operation in the sandbox: socket"},
      {"forge_by_reading_the_program_source",
       "import os, sys\nsource = ' '.join(sys.argv) + ''.join(str(c.co_consts) for c in [sys._getframe().f_code])\n"
       "for fd in range(3, 64):\n    try:\n        os.write(fd, b'R\\ndone 0\\n' + source.encode()[:100])\n    except OSError:\n"
       "        pass\nos._exit(0)\n",
       Verdict::Failed, "exited before its tests finished", std::nullopt, "failed: a frame of"},
      // Split-process, the test (HumanEval+: the canonical solution, the expected outputs) is the
      // checker's alone: the candidate's copy of the zygote's request no longer holds it.
      {"read_the_test_from_the_zygotes_frames",
       "import sys\nframe = sys._getframe()\nwhile frame is not None:\n    for v in list(frame.f_locals.values()):\n"
       "        if isinstance(v, dict) and 'test' in v:\n            raise Exception('the test is visible')\n"
       "    frame = frame.f_back\n" + good,
       Verdict::Failed, "the test is visible", Verdict::Passed, "passed"},
      {"skip_the_asserts_by_tracing",
       "import sys\ndef f(x):\n    caller = sys._getframe(1)\n    def tracer(frame, event, arg):\n"
       "        if frame is caller and event == 'line':\n            frame.f_lineno = frame.f_code.co_firstlineno\n"
       "        return tracer\n    caller.f_trace = tracer\n    sys.settrace(tracer)\n    return 0\n",
       Verdict::Failed, "forbidden operation in the sandbox: sys.settrace"},
      {"replace_check_from_a_thread",
       "import threading\ng = globals()\ndef swap():\n    while True:\n        g['check'] = lambda c: None\n"
       "threading.Thread(target=swap, daemon=True).start()\ndef f(x):\n    return 0\n",
       Verdict::Failed, "failed: "},
      {"crafted_code_object", "code = (lambda: 0).__code__.replace(co_code=b'd\\x00S\\x00')\n" + good, Verdict::Failed,
       "forbidden operation in the sandbox: code.__new__"},
      {"crafted_marshal", "import marshal\nmarshal.loads(marshal.dumps(1))\n" + good, Verdict::Failed,
       "forbidden operation in the sandbox: marshal.loads"},
      {"walk_the_object_graph", "import gc\nprint(len(gc.get_objects()))\n" + good, Verdict::Failed,
       "forbidden operation in the sandbox: gc.get_objects"},
      // Lies about the answer: in-process, the test's == runs the object's own __eq__ (as in every
      // other harness); split-process, only plain data reaches the test.
      {"always_equal_object", "class A:\n    def __eq__(self, other):\n        return True\ndef f(x):\n    return A()\n",
       Verdict::Passed, "passed", Verdict::Failed, "failed: the candidate's answer: a value of type A cannot cross"},
      {"always_equal_int_subclass",
       "class A(int):\n    def __eq__(self, other):\n        return True\ndef f(x):\n    return A(0)\n",
       Verdict::Passed, "passed", Verdict::Failed, "failed: "},
      // A fake failure record: in-process the program writes on its own report channel (a wrong
      // category, never a pass); split-process the candidate's records are not read.
      {"spoof_a_memory_verdict", "import os\nos.write(3, b'\\nFMemoryError\\tfake\\n')\nos._exit(1)\n",
       Verdict::Memory, "fake", Verdict::Failed, "exited with status 1"},
      // Reporting itself fails: the report channel closed and os._exit patched; the process still ends.
      {"reporting_fails", "import os\nos._exit = lambda *a: None\nos.close(3)\ndef f(x):\n    raise ValueError('x')\n",
       Verdict::Failed, "exited with status 1", std::nullopt, "failed: x"},
      // Messages come back whole: several lines, and a long one keeps its end.
      {"multi_line_exception_message", "def f(x):\n    raise ValueError('line one\\nline two\\\\n')\n", Verdict::Failed,
       "failed: line one\nline two\\n"},
      {"long_exception_message", "def f(x):\n    raise ValueError('x' * 100000 + 'END')\n", Verdict::Failed,
       "xxxxEND"},
      // A message of 120 MiB under a 256 MiB address space: copying it whole to report it would fail.
      {"huge_exception_message", "def f(x):\n    raise ValueError('END'.rjust(120 << 20, 'x'))\n", Verdict::Failed,
       "xxxxEND"},
      // Kernel memory outside RLIMIT_AS (an anonymous file's pages count against no limit).
      {"memfd", "import os\nos.memfd_create('x')\n" + good, Verdict::Failed, "Operation not permitted"},
      // Modules that reach raw memory or interpreter internals, or start a subinterpreter (which
      // runs without the audit hook): the import statement is stopped by the hook, importlib finds
      // no file (each is hidden under /dev/null), a hand-made spec meets the extension-loading
      // guard, and past the guard (its original through its closure) loading a file is an audited
      // import. _ctypes, which the zygote itself loaded, see docs/sandbox.md.
      {"subinterpreter_import", "import _xxsubinterpreters\n" + good, Verdict::Failed,
       "forbidden operation in the sandbox: import _xxsubinterpreters"},
      {"subinterpreter_importlib", "import importlib\nimportlib.import_module('_xxsubinterpreters')\n" + good,
       Verdict::Failed, "No module named '_xxsubinterpreters'"},
      {"subinterpreter_hand_made_spec", kHandMadeSpec + "_imp.create_dynamic(spec('_xxsubinterpreters'))\n" + good,
       Verdict::Failed, "module '_xxsubinterpreters' is not available in the sandbox"},
      {"subinterpreter_past_the_guard",
       kHandMadeSpec + "original = [c.cell_contents for c in _imp.create_dynamic.__closure__"
       " if getattr(c.cell_contents, '__name__', '') == 'create_dynamic'][0]\n"
       "m = original(spec('_xxsubinterpreters'))\nm.run_string(m.create(), 'pass')\n" + good,
       // loading a file (no cached module) is an audited import; without the hook, see layers_test
       Verdict::Failed, "forbidden operation in the sandbox: import _xxsubinterpreters"},
      {"testcapi_importlib", "import importlib\nimportlib.import_module('_testcapi')\n" + good, Verdict::Failed,
       "No module named '_testcapi'"},
      {"cached_ctypes_importlib", "import importlib\nimportlib.import_module('_ctypes')\n" + good, Verdict::Failed,
       "No module named '_ctypes'"},
      {"cached_ctypes_hand_made_spec", kHandMadeSpec + "_imp.create_dynamic(spec('_ctypes'))\n" + good,
       Verdict::Failed, "module '_ctypes' is not available in the sandbox"},
      // A well-behaved program in the same batch must be unaffected.
      {"well_behaved", "def f(x):\n    print('hello')\n    return x + 1\n", Verdict::Passed, "passed"},
  };
}

class Canary {
 public:
  Canary() : dir_((fs::temp_directory_path() / ("mpt-canary-" + std::to_string(getpid()))).string()) {
    fs::create_directories(dir_);
    std::ofstream(dir_ + "/secret.txt") << "canary " << getpid();
    mtime_ = fs::last_write_time(dir_ + "/secret.txt");
  }
  ~Canary() { fs::remove_all(dir_); }
  const std::string& dir() const { return dir_; }
  bool intact() const {
    std::ifstream in(dir_ + "/secret.txt");
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t entries = std::distance(fs::directory_iterator(dir_), fs::directory_iterator());
    return content == "canary " + std::to_string(getpid()) && entries == 1 &&
           fs::last_write_time(dir_ + "/secret.txt") == mtime_;
  }

 private:
  std::string dir_;
  fs::file_time_type mtime_;
};


TEST(Adversarial, EveryHostileProgramGetsItsVerdictAndTheHostIsUntouched) {
  Canary canary;
  HostListener listener;
  setenv("MPT_SANDBOX_TEST_SECRET", "do-not-leak", 1);
  sandbox::Config config = test_config(2.0);
  std::vector<Case> cases = hostile_cases();
  ASSERT_GE(cases.size(), 25u);
  const sandbox::Checking modes[] = {sandbox::Checking::SplitProcess, sandbox::Checking::InProcess};
  std::vector<sandbox::Program> programs;
  for (sandbox::Checking mode : modes) {
    for (const Case& c : cases) {
      programs.push_back(program(replace_all(replace_all(c.solution, "@CANARY@", canary.dir()), "@PORT@",
                                             std::to_string(listener.port))));
      programs.back().checking = mode;
      // Only a program expected to time out gets the short clock: every other verdict must not
      // depend on how busy the machine is (a memory bomb on two loaded cores can take seconds).
      programs.back().timeout_seconds = *expected_verdict(c, mode) == Verdict::Timeout ? 2.0 : 60.0;
    }
  }
  std::vector<sandbox::ExecutionResult> results;
  {
    sandbox::SandboxPool pool(config);
    results = run_all(pool, programs);
    for (size_t i = 0; i < programs.size(); ++i) {
      const Case& c = cases[i % cases.size()];
      sandbox::Checking mode = programs[i].checking;
      std::printf("  %-13s %-34s %-12s %s\n", sandbox::checking_name(mode), c.name.c_str(),
                  sandbox::verdict_name(results[i].verdict), results[i].result.substr(0, 80).c_str());
      SCOPED_TRACE(c.name + " (" + sandbox::checking_name(mode) + "): " + results[i].result.substr(0, 300) +
                   " | stderr: " + results[i].stderr_text.substr(0, 300));
      EXPECT_EQ(sandbox::verdict_name(results[i].verdict), std::string(sandbox::verdict_name(*expected_verdict(c, mode))));
      EXPECT_NE(results[i].result.find(expected_text(c, mode)), std::string::npos);
      EXPECT_EQ(results[i].attempts, 1);
    }
    // A long message keeps its end, within the documented cap (8192 characters and "failed: ...").
    for (size_t i = 0; i < programs.size(); ++i)
      if (cases[i % cases.size()].name == "long_exception_message") EXPECT_LE(results[i].result.size(), 8192u + 11u);
    // Every program has ended: nothing runs under the programs' uid while the pool is still up.
    EXPECT_EQ(processes_of_uid(config.host_id_base + 1).size(), 0u);
    // The harness is alive and the sandbox still works after the whole batch.
    EXPECT_TRUE(pool.submit(program(kGood)).get().passed());
    EXPECT_EQ(pool.stats().retried, 0);
  }
  // The pool is gone: no zygote either, and the grandchild that slept 30 s did not outlive its run.
  EXPECT_EQ(processes_of_uid(config.host_id_base).size(), 0u);
  EXPECT_EQ(processes_of_uid(config.host_id_base + 1).size(), 0u);
  EXPECT_TRUE(canary.intact());
  EXPECT_FALSE(listener.anyone_connected());
  // The results are still the ones the programs produced (nothing overwrote them afterwards).
  EXPECT_EQ(results.back().stdout_text, "hello\n");
  EXPECT_EQ(results[cases.size() - 1].stdout_text, "hello\n");
  EXPECT_EQ(results[0].verdict, Verdict::Timeout);
}

}  // namespace
}  // namespace mpt::test
