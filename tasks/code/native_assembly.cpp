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

void require_native(const CodeProblem& p) {
  if (p.language != "cpp" && p.language != "javascript")
    throw input_error("not a C++ or JavaScript problem", p.where, "language c++ or javascript", p.language);
}

}  // namespace

NativeProgram native_check_program(const CodeProblem& problem, const std::string& solution) {
  require_native(problem);
  return NativeProgram{solution + "\n" + problem.test, std::nullopt};
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
