// The adversarial suite: hostile programs, each with the verdict the sandbox must give it, run in
// parallel through one pool. Afterwards: no process of the sandbox's uids is left on the host, the
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
};

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
  return s;
}

const char* const kGood = "def f(x):\n    return x + 1\n";

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
       "fds = [fd for fd in range(4096) if is_open(fd)]\nassert len(fds) > 4, 'only %s' % fds\n" + good,
       Verdict::Failed, "only [0, 1, 2, 3]"},
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
       Verdict::Failed, "forbidden operation in the sandbox: socket"},
      {"forge_by_calling_the_wrapper",
       "import sys\ndef f(x):\n    frame = sys._getframe()\n    while 'req' not in frame.f_locals:\n        frame = frame.f_back\n"
       "    seq = frame.f_locals['req']['seq']\n    wrapper = sys.modules['__main__'].run_checked\n"
       "    wrapper('def g(x):\\n    return 0\\n', 'def check(c):\\n    pass\\n', 'g', seq, '/.mpt/done', False, ())\n"
       "    import os\n    os._exit(0)\n",
       Verdict::Failed, "forbidden operation in the sandbox: socket"},
      {"forge_by_reading_the_program_source",
       "import os, sys\nsource = ' '.join(sys.argv) + ''.join(str(c.co_consts) for c in [sys._getframe().f_code])\n"
       "for fd in range(3, 64):\n    try:\n        os.write(fd, b'R\\ndone 0\\n' + source.encode()[:100])\n    except OSError:\n"
       "        pass\nos._exit(0)\n",
       Verdict::Failed, "exited before its tests finished"},
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

// A TCP listener on the host's loopback that no sandboxed program may reach.
struct HostListener {
  int fd = -1;
  int port = 0;
  HostListener() {
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
  ~HostListener() { close(fd); }
  bool anyone_connected() const { return accept(fd, nullptr, nullptr) >= 0; }
};

TEST(Adversarial, EveryHostileProgramGetsItsVerdictAndTheHostIsUntouched) {
  Canary canary;
  HostListener listener;
  setenv("MPT_SANDBOX_TEST_SECRET", "do-not-leak", 1);
  sandbox::Config config = test_config(2.0);
  std::vector<Case> cases = hostile_cases();
  ASSERT_GE(cases.size(), 25u);
  std::vector<sandbox::Program> programs;
  for (const Case& c : cases)
    programs.push_back(program(replace_all(replace_all(c.solution, "@CANARY@", canary.dir()), "@PORT@",
                                           std::to_string(listener.port))));
  std::vector<sandbox::ExecutionResult> results;
  {
    sandbox::SandboxPool pool(config);
    results = run_all(pool, programs);
    for (size_t i = 0; i < cases.size(); ++i) {
      std::printf("  %-40s %-12s %s\n", cases[i].name.c_str(), sandbox::verdict_name(results[i].verdict),
                  results[i].result.substr(0, 90).c_str());  // the table in docs/sandbox.md
      SCOPED_TRACE(cases[i].name + ": " + results[i].result + " | stderr: " + results[i].stderr_text.substr(0, 300));
      EXPECT_EQ(sandbox::verdict_name(results[i].verdict), std::string(sandbox::verdict_name(cases[i].expected)));
      EXPECT_NE(results[i].result.find(cases[i].result_has), std::string::npos);
      EXPECT_EQ(results[i].attempts, 1);
    }
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
  EXPECT_EQ(results[0].verdict, Verdict::Timeout);
}

}  // namespace
}  // namespace mpt::test
