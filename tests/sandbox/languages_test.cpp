// The sandbox's C++ and JavaScript recipes (sandbox/language.h): verdicts of small programs, and
// hostile programs per language run in parallel through one pool, then the host checked from
// outside: no process of the sandbox's uids left, a canary directory untouched, a TCP listener on
// the host's loopback never reached, and the pool still passing a good program.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "common/error.h"
#include "sandbox/language.h"
#include "tests/sandbox/sandbox_test_util.h"

namespace mpt::test {
namespace {

using sandbox::Verdict;
namespace fs = std::filesystem;

struct Case {
  std::string language;
  std::string name;
  std::string source;
  Verdict expected;
  std::string result_has;  // a substring of the result string ("" = any)
};

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
  return s;
}

std::vector<Case> cases() {
  return {
      {"cpp", "well behaved", "#include <stdio.h>\nint main() { puts(\"hello\"); return 0; }\n", Verdict::Passed, "passed"},
      {"cpp", "assertion fails", "#undef NDEBUG\n#include <assert.h>\nint main() { assert(1 == 2); }\n", Verdict::Failed,
       "Assertion `1 == 2' failed"},
      {"cpp", "exit status", "int main() { return 3; }\n", Verdict::Failed, "exited with status 3"},
      {"cpp", "compile error", "int main() { return undeclared; }\n", Verdict::CompileError,
       "compile error: main.cpp:1:21: error:"},
      {"cpp", "deep template recursion",
       "template <int N> struct F { static const int v = F<N - 1>::v + 1; };\n"
       "template <> struct F<0> { static const int v = 0; };\nint main() { return F<100000>::v; }\n",
       Verdict::CompileError, "template instantiation depth"},
      {"cpp", "include /dev/zero", "#include \"/dev/zero\"\nint main() {}\n", Verdict::CompileError, "compile error"},
      {"cpp", "include a host file", "#include \"@CANARY@/secret.txt\"\nint main() {}\n", Verdict::CompileError,
       "No such file or directory"},
      {"cpp", "infinite loop", "int main() { for (volatile int i = 0;; ++i) {} }\n", Verdict::Timeout, "timed out"},
      {"cpp", "fork bomb", "#include <unistd.h>\nint main() { for (;;) fork(); }\n", Verdict::Timeout, "timed out"},
      {"cpp", "memory bomb",
       "#include <string.h>\n#include <vector>\nint main() { std::vector<char*> v; for (;;) { char* p = new char[1 << 20];"
       " memset(p, 1, 1 << 20); v.push_back(p); } }\n",
       Verdict::Memory, "std::bad_alloc"},
      {"cpp", "output flood", "#include <stdio.h>\nint main() { for (;;) puts(\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"); }\n",
       Verdict::OutputLimit, "output limit exceeded"},
      {"cpp", "write outside",
       "#include <stdio.h>\nint main() { FILE* f = fopen(\"/usr/pwned\", \"w\"); if (!f) { perror(\"fopen\"); return 1; } }\n",
       Verdict::Failed, "Read-only file system"},
      {"cpp", "write the canary",
       "#include <stdio.h>\nint main() { FILE* f = fopen(\"@CANARY@/pwned\", \"w\"); if (!f) { perror(\"fopen\"); return 1; } }\n",
       Verdict::Failed, "No such file or directory"},
      {"cpp", "network",
       "#include <arpa/inet.h>\n#include <stdio.h>\n#include <sys/socket.h>\nint main() {\n"
       "  int s = socket(AF_INET, SOCK_STREAM, 0); if (s < 0) { perror(\"socket\"); return 1; }\n"
       "  sockaddr_in a{}; a.sin_family = AF_INET; a.sin_port = htons(@PORT@); a.sin_addr.s_addr = htonl(0x7f000001);\n"
       "  if (connect(s, (sockaddr*)&a, sizeof a) != 0) { perror(\"connect\"); return 1; } }\n",
       Verdict::Failed, "socket: Operation not permitted"},
      {"cpp", "kill the runner", "#include <signal.h>\nint main() { kill(1, SIGKILL); kill(-1, SIGKILL); return 0; }\n",
       Verdict::Passed, "passed"},
      {"javascript", "well behaved", "console.log('hello')\n", Verdict::Passed, "passed"},
      {"javascript", "console.assert fails", "console.assert(1 === 2, 'one is', 1)\nconsole.log('after')\n",
       Verdict::Failed, "Error: Assertion failed: one is 1"},
      {"javascript", "console.assert put back", "console.assert = () => {}\nconsole.assert(false)\n", Verdict::Failed,
       "Assertion failed"},
      {"javascript", "console.assert redefined", "Object.defineProperty(console, 'assert', {value: () => {}})\n",
       Verdict::Failed, "TypeError: Cannot redefine property: assert"},
      {"javascript", "infinite loop", "for (;;) {}\n", Verdict::Timeout, "timed out"},
      {"javascript", "fork bomb",
       "const cp = require('child_process')\nfor (;;) { try { cp.spawn(process.execPath, ['-e', 'for(;;){}']) } catch (e) {} }\n",
       Verdict::Timeout, "timed out"},
      {"javascript", "memory bomb", "const a = []\nfor (;;) a.push(new Array(1e6).fill(1.5))\n", Verdict::Memory,
       "heap out of memory"},
      {"javascript", "output flood", "for (;;) console.log('x'.repeat(100))\n", Verdict::OutputLimit,
       "output limit exceeded"},
      {"javascript", "write outside", "require('fs').writeFileSync('/usr/pwned', 'x')\n", Verdict::Failed, "EROFS"},
      {"javascript", "read a host file", "require('fs').readFileSync('@CANARY@/secret.txt')\n", Verdict::Failed,
       "ENOENT"},
      {"javascript", "network",
       "require('net').connect(@PORT@, '127.0.0.1').on('error', (e) => { throw new Error('net: ' + e.code) })\n",
       Verdict::Failed, "Error: net: EPERM"},
  };
}

struct Canary {
  std::string dir = (fs::temp_directory_path() / ("mpt-lang-canary-" + std::to_string(getpid()))).string();
  Canary() {
    fs::create_directories(dir);
    fs::permissions(dir, fs::perms::all);  // world-writable: only the sandbox's walls keep programs out
    std::ofstream(dir + "/secret.txt") << "canary";
  }
  ~Canary() { fs::remove_all(dir); }
  bool intact() const {
    std::ifstream in(dir + "/secret.txt");
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return content == "canary" && std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1;
  }
};


TEST(Languages, KnownByNameAndAlias) {
  EXPECT_EQ(sandbox::find_language("c++"), sandbox::find_language("cpp"));
  EXPECT_EQ(sandbox::find_language("js"), sandbox::find_language("javascript"));
  EXPECT_EQ(sandbox::find_language("python"), nullptr);
  EXPECT_EQ(sandbox::canonical_language("c++"), "cpp");
  sandbox::Config config = test_config();
  config.languages = {"cobol"};
  EXPECT_THROW(sandbox::prepare_languages(config), Error);
  // A recipe: the compile step has the compile limits, the run step the program's.
  sandbox::Program p;
  p.language = "cpp";
  p.solution = "int main() {}\n";
  sandbox::Recipe r = sandbox::program_recipe(p, config, 2.5);
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_TRUE(r.steps[0].compile);
  EXPECT_EQ(r.steps[0].timeout_seconds, config.limits.compile_timeout_seconds);
  EXPECT_EQ(r.steps[1].timeout_seconds, 2.5);
  EXPECT_EQ(r.files.at("main.cpp"), p.solution);
}

TEST(Languages, HostileProgramsAreContainedAndTheHostIsUntouched) {
  Canary canary;
  HostListener listener;
  sandbox::Config config = test_config(2.0);
  config.languages = {"cpp", "javascript"};
  config.limits.compile_timeout_seconds = 60;  // a loaded machine compiles slowly; no verdict may depend on it
  config.cache_dir = "/var/tmp/mpt-lang-cache-" + std::to_string(getpid());  // (the sandbox's own /tmp hides host /tmp)
  std::vector<Case> all = cases();
  std::vector<sandbox::Program> programs;
  for (const Case& c : all) {
    sandbox::Program p;
    p.language = c.language;
    p.solution = replace_all(replace_all(c.source, "@CANARY@", canary.dir), "@PORT@", std::to_string(listener.port));
    // Only the programs expected to time out get the short clock.
    p.timeout_seconds = c.expected == Verdict::Timeout ? 2.0 : 60.0;
    programs.push_back(p);
  }
  {
    sandbox::SandboxPool pool(config);
    std::vector<sandbox::ExecutionResult> results = run_all(pool, programs);
    for (size_t i = 0; i < all.size(); ++i) {
      std::printf("  %-10s %-26s %-13s %s\n", all[i].language.c_str(), all[i].name.c_str(),
                  sandbox::verdict_name(results[i].verdict), results[i].result.substr(0, 90).c_str());
      SCOPED_TRACE(all[i].language + " " + all[i].name + ": " + results[i].result.substr(0, 400));
      EXPECT_EQ(sandbox::verdict_name(results[i].verdict), std::string(sandbox::verdict_name(all[i].expected)));
      EXPECT_NE(results[i].result.find(all[i].result_has), std::string::npos);
      EXPECT_EQ(results[i].attempts, 1);
    }
    EXPECT_EQ(results[0].stdout_text, "hello\n");
    EXPECT_EQ(processes_of_uid(config.host_id_base + 1).size(), 0u);
    sandbox::Program good;
    good.language = "cpp";
    good.solution = "int main() { return 0; }\n";
    EXPECT_TRUE(pool.submit(good).get().passed());
  }
  EXPECT_EQ(processes_of_uid(config.host_id_base).size(), 0u);
  EXPECT_EQ(processes_of_uid(config.host_id_base + 1).size(), 0u);
  EXPECT_TRUE(canary.intact());
  EXPECT_FALSE(listener.anyone_connected());
  EXPECT_FALSE(fs::exists("/usr/pwned"));
  fs::remove_all(config.cache_dir);
}

TEST(Languages, ExpectedStdoutMustMatchExactly) {
  sandbox::Config config = test_config(10.0);
  config.languages = {"javascript"};
  sandbox::SandboxPool pool(config);
  sandbox::Program p;
  p.language = "javascript";
  p.solution = "console.log(true)\nconsole.log(false)\n";
  p.expected_stdout = "true\ntrue\n";
  sandbox::ExecutionResult r = pool.submit(p).get();
  EXPECT_EQ(r.verdict, Verdict::Failed);
  EXPECT_NE(r.result.find("wrong output"), std::string::npos) << r.result;
  p.expected_stdout = "true\nfalse\n";
  EXPECT_TRUE(pool.submit(p).get().passed());
}

// The check form's completion token (tasks/code/native_assembly.h): with one named, the last step
// gets fd 3, and exit status 0 passes only with exactly that token written there.
TEST(Languages, CompletionTokenIsRequiredWhereNamed) {
  sandbox::Config config = test_config(20.0);
  config.languages = {"cpp", "javascript"};
  config.limits.compile_timeout_seconds = 60;
  config.cache_dir = "/var/tmp/mpt-lang-token-cache-" + std::to_string(getpid());
  const std::string token = "tests done\n";
  const std::string early = "failed: the program exited before its tests finished (exit status 0)";
  struct TokenCase {
    std::string name, language, source;
    bool with_token;
    Verdict expected;
    std::string result;
  };
  const std::string cpp_write = "#include <unistd.h>\nint main() { return write(3, \"tests done\\n\", 11) == 11 ? 0 : 1; }\n";
  std::vector<TokenCase> all = {
      {"cpp token written", "cpp", cpp_write, true, Verdict::Passed, "passed"},
      {"cpp nothing written", "cpp", "int main() { return 0; }\n", true, Verdict::Failed, early},
      {"cpp another token", "cpp", "#include <unistd.h>\nint main() { write(3, \"tests\", 5); }\n", true, Verdict::Failed,
       early},
      {"cpp token, then status 1", "cpp", "#include <unistd.h>\nint main() { write(3, \"tests done\\n\", 11); return 1; }\n",
       true, Verdict::Failed, "exited with status 1"},
      // Without a token the program gets no fd 3 (so writing it fails) and exit 0 passes, as before.
      {"cpp no token asked", "cpp", "#include <unistd.h>\nint main() { return write(3, \"x\", 1) == -1 ? 0 : 1; }\n", false,
       Verdict::Passed, "passed"},
      {"js token written", "javascript", "require('fs').writeSync(3, 'tests done\\n')\n", true, Verdict::Passed, "passed"},
      {"js process.exit(0) first", "javascript", "process.exit(0)\nrequire('fs').writeSync(3, 'tests done\\n')\n", true,
       Verdict::Failed, early},
  };
  std::vector<sandbox::Program> programs;
  for (const TokenCase& c : all) {
    sandbox::Program p;
    p.language = c.language;
    p.solution = c.source;
    if (c.with_token) p.completion_token = token;
    programs.push_back(p);
  }
  {
    sandbox::SandboxPool pool(config);
    std::vector<sandbox::ExecutionResult> results = run_all(pool, programs);
    for (size_t i = 0; i < all.size(); ++i) {
      SCOPED_TRACE(all[i].name + ": " + results[i].result.substr(0, 400));
      EXPECT_EQ(sandbox::verdict_name(results[i].verdict), std::string(sandbox::verdict_name(all[i].expected)));
      EXPECT_NE(results[i].result.find(all[i].result), std::string::npos);
    }
  }
  fs::remove_all(config.cache_dir);
}

}  // namespace
}  // namespace mpt::test
