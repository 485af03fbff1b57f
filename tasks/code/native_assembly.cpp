#include "tasks/code/native_assembly.h"

#include "common/error.h"

namespace mpt::code {
namespace {

// LLM Foundry's C++ prefix (composer/utils/eval_client/local_eval_client.py at 22b0ae8, after
// textwrap.dedent): "since we can't run tostring based comparisons in C++, initialize a series of
// overloaded equality functions".
constexpr const char* kCppIssame = R"(#include <iostream>
#include <vector>
#include <string>
#include <map>
#include <math.h>
using namespace std;

bool issame(vector<string> a,vector<string>b){
    if (a.size()!=b.size()) return false;
    for (int i=0;i<a.size();i++)
    {
        if (a[i]!=b[i]) return false;
    }
    return true;
}

bool issame(float a, float b){
    return abs(a - b) < 1e-4;
}

bool issame(bool a, bool b){
    return a == b;
}

bool issame(int a, int b){
    return a == b;
}

bool issame(vector<int> a,vector<int>b){
    if (a.size()!=b.size()) return false;
    for (int i=0;i<a.size();i++)
    {
        if (a[i]!=b[i]) return false;
    }
    return true;
}

bool issame(string a, string b){
    return a == b;
}

bool issame(vector<float> a,vector<float>b){
    if (a.size()!=b.size()) return false;
    for (int i=0;i<a.size();i++)
    {
        if (abs(a[i]-b[i])>1e-4) return false;
    }
    return true;
}

bool issame(double a, double b){
    return abs(a - b) < 1e-3;
}

bool issame(vector<vector<int>> a,vector<vector<int>> b){
    if (a.size()!=b.size()) return false;
    for (int i=0;i<a.size();i++)
    {
        if (a[i].size()!=b[i].size()) return false;
        for (int j=0;j<a[i].size();j++)
        {
            if (a[i][j]!=b[i][j]) return false;
        }
    }
    return true;
}

bool issame(map<char,int> a,map<char,int> b){
    if (a.size()!=b.size()) return false;
    map <char,int>::iterator it;
    for (it=a.begin();it!=a.end();it++)
    {
        char w1=it->first;
        int w2=it->second;
        if (b.find(w1)==b.end()) return false;
        if (b[w1]!=w2) return false;
    }
    return true;
}

bool issame(long long a, long long b){
    return a == b;
}
)";

// The check form's evidence that the test ran to its end: the program writes kCompletionToken to
// fd 3 (a pipe only the sandbox's runner reads; sandbox/python/native_runner.py) after the test's
// main() has returned 0 (C++) or the test's top-level code has finished without throwing
// (JavaScript). A completion that exits early (exit(0), std::exit, _Exit, quick_exit,
// process.exit(0)) never gets there, and the runner fails a program that exited 0 without it.
// It is not a secret: a program that means to forge it can write it itself (docs/sandbox.md).
constexpr const char* kCompletionToken = "mpt-eval: the tests ran to their end\n";

// C++: appended after the test. Its initializer runs after every other static object of the
// program is constructed and calls the test's main() itself (g++ accepts the call; ISO C++ forbids
// it, so -pedantic would warn), which keeps main's own semantics: flowing off its end returns 0, an
// explicit `return n` returns n. Then the token, then exit() with main's status, as the C runtime
// would have done; the C runtime's own call of main never happens. write() and exit() are declared
// under names of their own (asm labels), so that nothing a completion declares or includes can
// clash with them.
constexpr const char* kCppTrailer = R"(
// mpt-eval: evidence that the test's main() ran to its end (fd 3, read by the sandbox's runner).
extern "C" long mpt_eval_write_fd(int, const void*, unsigned long) __asm__("write");
extern "C" void mpt_eval_exit(int) __asm__("exit");
static int mpt_eval_run_test_main() {
  int status = main();
  static const char token[] = "mpt-eval: the tests ran to their end\n";
  if (status == 0) mpt_eval_write_fd(3, token, sizeof token - 1);
  mpt_eval_exit(status);
  return status;
}
static int mpt_eval_test_main_status = mpt_eval_run_test_main();
)";

// JavaScript: appended after the test, whose calls run at top level and synchronously; reached
// only when none of them threw (a failed console.assert throws: the recipe's preloaded module).
constexpr const char* kJsTrailer =
    "\n;require('fs').writeSync(3, 'mpt-eval: the tests ran to their end\\n');\n";

void require_native(const CodeProblem& p) {
  if (p.language != "cpp" && p.language != "javascript")
    throw input_error("not a C++ or JavaScript problem", p.where, "language c++ or javascript", p.language);
}

}  // namespace

NativeProgram native_check_program(const CodeProblem& problem, const std::string& solution) {
  require_native(problem);
  NativeProgram p{solution + "\n" + problem.test, std::nullopt, kCompletionToken};
  p.source += problem.language == "cpp" ? kCppTrailer : kJsTrailer;
  return p;
}

NativeProgram native_io_program(const CodeProblem& problem, const std::string& solution) {
  require_native(problem);
  if (problem.test_inputs.empty())
    throw input_error("the problem has no test_inputs/test_outputs", problem.where,
                      "an LLM Foundry problem for input/output tests", "task " + problem.task_id);
  NativeProgram p;
  std::string expected;
  if (problem.language == "cpp") {
    // LLM Foundry: prefix + code + "\n" + "int main() {\n    cout << issame(E(I), O);\n    return 0;\n}\n"
    p.source = std::string(kCppIssame) + solution + "\nint main() {\n";
    for (size_t i = 0; i < problem.test_inputs.size(); ++i) {
      p.source += "    cout << issame(" + problem.entry_point + "(" + problem.test_inputs[i] + "), " +
                  problem.test_outputs[i] + ");\n";
      expected += "1";
    }
    p.source += "    return 0;\n}\n";
  } else {
    p.source = solution;
    for (size_t i = 0; i < problem.test_inputs.size(); ++i) {
      p.source += "\nconsole.log(JSON.stringify(" + problem.entry_point + "(" + problem.test_inputs[i] +
                  ")) === JSON.stringify(" + problem.test_outputs[i] + "));";
      expected += "true\n";
    }
  }
  p.expected_stdout = expected;
  return p;
}

}  // namespace mpt::code
