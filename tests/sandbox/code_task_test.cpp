// The code task's data side: loading problems, post-processing completions, assembling programs.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "common/error.h"
#include "tasks/code/code_problem.h"
#include "tasks/code/completion_postprocess.h"
#include "tasks/code/program_assembly.h"
#include "tasks/task_suite.h"

namespace mpt::code {
namespace {

const std::string kData = std::string(MPTEVAL_SOURCE_DIR) + "/data";

std::string temp_file(const std::string& name, const std::string& content) {
  std::string path = (std::filesystem::temp_directory_path() / (std::to_string(getpid()) + "-" + name)).string();
  std::ofstream(path) << content;
  return path;
}

std::string error_of(const std::string& path) {
  try {
    load_code_problems(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(CodeProblems, LoadsBothBundledFormats) {
  auto openai = load_code_problems(kData + "/humaneval/HumanEval.jsonl.gz");
  auto foundry = load_code_problems(kData + "/icl/programming/human_eval.jsonl");
  ASSERT_EQ(openai.size(), 164u);
  ASSERT_EQ(foundry.size(), 164u);
  EXPECT_EQ(openai[0].task_id, "HumanEval/0");
  EXPECT_EQ(openai[0].entry_point, "has_close_elements");
  EXPECT_EQ(openai[0].format, ProblemFormat::OpenAI);
  EXPECT_EQ(foundry[0].format, ProblemFormat::LlmFoundry);
  EXPECT_EQ(foundry[0].test_inputs.size(), foundry[0].test_outputs.size());
  EXPECT_FALSE(foundry[0].test_inputs.empty());
  EXPECT_EQ(openai[0].where, kData + "/humaneval/HumanEval.jsonl.gz:1");
}

TEST(CodeProblems, MalformedLinesNameFileAndLine) {
  const std::string ok = R"J({"task_id": "T/0", "prompt": "def f(x):\n", "canonical_solution": "    return x\n", "test": "def check(c):\n    pass\n", "entry_point": "f"})J";
  std::string p = temp_file("missing.jsonl", ok + "\n" + R"J({"task_id": "T/1", "prompt": "", "test": "", "entry_point": "f"})J" + "\n");
  EXPECT_NE(error_of(p).find("missing key 'canonical_solution' (" + p + ":2)"), std::string::npos) << error_of(p);
  p = temp_file("json.jsonl", ok + "\n\n{not json\n");
  EXPECT_NE(error_of(p).find(p + ":3"), std::string::npos) << error_of(p);
  p = temp_file("dup.jsonl", ok + "\n" + ok + "\n");
  EXPECT_NE(error_of(p).find("duplicate task_id 'T/0' (" + p + ":2)"), std::string::npos) << error_of(p);
  p = temp_file("entry.jsonl", R"J({"task_id": "T", "prompt": "", "canonical_solution": "", "test": "", "entry_point": "f(); import os"})J");
  EXPECT_NE(error_of(p).find("invalid entry_point"), std::string::npos) << error_of(p);
  p = temp_file("io.jsonl", R"J({"task_id": "T", "prompt": "", "canonical_solution": "", "test": "", "entry_point": "f", "test_inputs": ["(1,)"], "test_outputs": [], "language": "python"})J");
  EXPECT_NE(error_of(p).find("test_inputs and test_outputs do not match"), std::string::npos) << error_of(p);
  p = temp_file("lang.jsonl", R"J({"task_id": "T", "prompt": "", "canonical_solution": "", "test": "", "entry_point": "f", "test_inputs": ["(1,)"], "test_outputs": ["1"], "language": "cobol"})J");
  EXPECT_NE(error_of(p).find("unsupported language"), std::string::npos) << error_of(p);
  EXPECT_NE(error_of(p).find(p + ":1"), std::string::npos) << error_of(p);
  EXPECT_NE(error_of(p).find("python, c++ (cpp) or javascript (js)"), std::string::npos) << error_of(p);
  p = temp_file("empty.jsonl", "\n");
  EXPECT_NE(error_of(p).find("no problems"), std::string::npos) << error_of(p);
}

// C++ and JavaScript programs: the test field appended, or LLM Foundry's LocalEvalClient
// assembly for the input/output cases, every case in one program.
TEST(NativeAssembly, CheckAndIoProgramsAsLlmFoundryBuildsThem) {
  CodeProblem cpp;
  cpp.task_id = "CPP/0";
  cpp.language = "cpp";
  cpp.prompt = "int f(int x){\n";
  cpp.test = "int main(){ assert(f(1)==2); }\n";
  cpp.entry_point = "f";
  cpp.test_inputs = {"1", "2"};
  cpp.test_outputs = {"2", "3"};
  AssembledProgram a = assemble_program(cpp, "    return x+1;\n}\n");
  EXPECT_EQ(a.language, "cpp");
  // The check form: solution + "\n" + test, then the trailer that calls the test's main() and
  // writes the completion token to fd 3 only once it has returned 0.
  const std::string cpp_check = "int f(int x){\n    return x+1;\n}\n\nint main(){ assert(f(1)==2); }\n";
  EXPECT_EQ(a.solution.substr(0, cpp_check.size()), cpp_check);
  EXPECT_NE(a.solution.find("int status = main();", cpp_check.size()), std::string::npos) << a.solution;
  EXPECT_NE(a.solution.find("if (status == 0) mpt_eval_write_fd(3, token, sizeof token - 1);"), std::string::npos);
  EXPECT_FALSE(a.expected_stdout);
  ASSERT_TRUE(a.completion_token);
  EXPECT_NE(a.solution.find("\"" + a.completion_token->substr(0, a.completion_token->size() - 1) + "\\n\""),
            std::string::npos);
  AssemblyOptions io;
  io.tests = TestStyle::IoCases;
  a = assemble_program(cpp, "    return x+1;\n}\n", io);
  EXPECT_EQ(a.solution.rfind("#include <iostream>\n#include <vector>\n", 0), 0u);
  EXPECT_NE(a.solution.find("bool issame(long long a, long long b){\n    return a == b;\n}\n"
                            "int f(int x){\n    return x+1;\n}\n\nint main() {\n"
                            "    cout << issame(f(1), 2);\n    cout << issame(f(2), 3);\n    return 0;\n}\n"),
            std::string::npos)
      << a.solution;
  EXPECT_EQ(a.expected_stdout, "11");
  EXPECT_FALSE(a.completion_token);  // the io form: the stdout is the evidence
  CodeProblem js = cpp;
  js.language = "javascript";
  js.prompt = "const f = (x) => {\n";
  js.test = "console.assert(f(1) === 2)\n";
  a = assemble_program(js, "  return x + 1\n}\n");
  EXPECT_EQ(a.solution, "const f = (x) => {\n  return x + 1\n}\n\nconsole.assert(f(1) === 2)\n"
                        "\n;require('fs').writeSync(3, 'mpt-eval: the tests ran to their end\\n');\n");
  EXPECT_EQ(a.completion_token, "mpt-eval: the tests ran to their end\n");
  a = assemble_program(js, "  return x + 1\n}\n", io);
  EXPECT_EQ(a.solution, "const f = (x) => {\n  return x + 1\n}\n"
                        "\nconsole.log(JSON.stringify(f(1)) === JSON.stringify(2));"
                        "\nconsole.log(JSON.stringify(f(2)) === JSON.stringify(3));");
  EXPECT_EQ(a.expected_stdout, "true\ntrue\n");
}

TEST(Postprocess, LlmFoundryCutsAtTheFirstNewTopLevelLine) {
  const std::string gen = "    return x\n\n    # still inside\n\ndef helper():\n    pass\n";
  EXPECT_EQ(postprocess_completion(Postprocess::LlmFoundry, gen), "    return x\n\n    # still inside\n");
  EXPECT_EQ(postprocess_completion(Postprocess::LlmFoundry, "    a = 1\n# comment\n"), "    a = 1");
  EXPECT_EQ(postprocess_completion(Postprocess::LlmFoundry, "    a = 1\n```\n"), "    a = 1");
  EXPECT_EQ(postprocess_completion(Postprocess::LlmFoundry, "    a = 1\n7\n"), "    a = 1");
  EXPECT_EQ(postprocess_completion(Postprocess::LlmFoundry, "    a = 1\n@dec\n"), "    a = 1\n@dec\n");  // '@' is not cut
  EXPECT_EQ(postprocess_completion(Postprocess::LlmFoundry, "    a = 1\n"), "    a = 1\n");
}

TEST(Postprocess, StopSequencesCutAtTheEarliest) {
  const std::string gen = "    return 1\n\nprint(f(2))\ndef g(): pass\n";
  EXPECT_EQ(postprocess_completion(Postprocess::Codex, gen), "    return 1\n");
  EXPECT_EQ(postprocess_completion(Postprocess::Bigcode, "    return 1\n@decorator\n"), "    return 1");
  EXPECT_EQ(postprocess_completion(Postprocess::Codex, "    return 1\n@decorator\n"), "    return 1\n@decorator\n");
  EXPECT_EQ(postprocess_completion(Postprocess::Bigcode, "    x = 1<file_sep>junk"), "    x = 1");
  EXPECT_EQ(postprocess_completion(Postprocess::None, gen), gen);
}

TEST(Postprocess, GenerationStopsCutWhereThePostprocessingDoes) {
  const std::string gen = "    a = 1\n    if a:\n        pass\nif True:\n    x\n#end";
  for (Postprocess p : {Postprocess::LlmFoundry, Postprocess::Codex, Postprocess::Bigcode}) {
    size_t cut = gen.size();
    for (const std::string& s : generation_stop_sequences(p)) cut = std::min(cut, gen.find(s));
    EXPECT_EQ(gen.substr(0, cut), postprocess_completion(p, gen)) << postprocess_name(p);
  }
  EXPECT_EQ(generation_stop_sequences(Postprocess::LlmFoundry).size(), 64u);
  EXPECT_TRUE(generation_stop_sequences(Postprocess::None).empty());
}

TEST(Postprocess, NamesRoundTrip) {
  for (Postprocess p : {Postprocess::None, Postprocess::LlmFoundry, Postprocess::Codex, Postprocess::Bigcode})
    EXPECT_EQ(parse_postprocess(postprocess_name(p)), p);
  EXPECT_FALSE(parse_postprocess("foundry").has_value());
  EXPECT_EQ(postprocess_names(), "none, llm-foundry, codex, bigcode");
}

TEST(Assembly, SolutionIsPromptPlusCompletionAndTheTestStaysSeparate) {
  CodeProblem p;
  p.prompt = "\n\ndef f(x):\n    \"\"\"doc\"\"\"\n";
  p.test = "def check(candidate):\n    assert candidate(1) == 2\n";
  p.entry_point = "f";
  AssembledProgram a = assemble_program(p, "    return x + 1\n");
  EXPECT_EQ(a.solution, p.prompt + "    return x + 1\n");
  EXPECT_EQ(a.test, p.test);
  EXPECT_EQ(a.entry_point, "f");
  AssemblyOptions strip;
  strip.strip_prompt = true;
  EXPECT_EQ(assemble_program(p, "\n    return 2\n", strip).solution, "def f(x):\n    \"\"\"doc\"\"\"\n    return 2\n");
  EXPECT_EQ(generation_prompt(p, true), "def f(x):\n    \"\"\"doc\"\"\"");
}

TEST(Assembly, IoCasesFollowLlmFoundrysComparison) {
  CodeProblem p;
  p.entry_point = "f";
  p.test = "def check(candidate):\n    pass\n";
  p.test_inputs = {"([1, 2], 'a\\'b')", "(3,)"};
  p.test_outputs = {"'x'", "not python"};
  p.format = ProblemFormat::LlmFoundry;
  AssemblyOptions io;
  io.tests = TestStyle::IoCases;
  std::string test = assemble_program(p, "", io).test;
  EXPECT_NE(test.find("def check(candidate):"), std::string::npos);
  EXPECT_NE(test.find(R"(('([1, 2], \'a\\\'b\')', '\'x\''),)"), std::string::npos) << test;
  EXPECT_NE(test.find("except BaseException:\n            _mpt_expected = _mpt_output"), std::string::npos);
  EXPECT_EQ(assemble_program(p, "").test, p.test);  // auto: the test field when there is one
  p.test.clear();
  EXPECT_EQ(assemble_program(p, "").test, test);    // auto: the cases otherwise
  CodeProblem openai;
  openai.entry_point = "f";
  EXPECT_THROW(assemble_program(openai, "", io), Error);
}

TEST(Assembly, PythonStringLiteralsEscapeEverythingAwkward) {
  EXPECT_EQ(python_string_literal("a'b\\c\n\t\r\x01\x7f"), R"('a\'b\\c\n\t\r\x01\x7f')");
  EXPECT_EQ(python_string_literal("é"), "'é'");
  EXPECT_EQ(python_string_literal(""), "''");
}

}  // namespace
}  // namespace mpt::code

namespace mpt {
namespace {

// configs/code_tasks.yaml: LLM Foundry's code tasks (tasks.yaml, commented out after v0.9), every
// data file bundled, each problem file in its language; the variants' canonical solutions are
// their last lines (the prompts carry the rest).
TEST(CodeTasksConfig, EveryLlmFoundryCodeTaskLoadsWithItsData) {
  std::string root = std::string(MPTEVAL_SOURCE_DIR) + "/data/icl";
  TaskSuite suite = load_task_suite(std::string(MPTEVAL_SOURCE_DIR) + "/configs/code_tasks.yaml", root);
  EXPECT_TRUE(suite.missing.empty());
  EXPECT_TRUE(suite.evaluations.empty());
  std::vector<std::string> labels;
  for (const CodeTaskSpec& c : suite.code_tasks) {
    labels.push_back(c.task->label);
    EXPECT_EQ(c.task->code.generations_per_sample, 20) << c.task->label;
    EXPECT_EQ(c.task->code.pass_at_k, (std::vector<int64_t>{1})) << c.task->label;
    std::vector<code::CodeProblem> problems = code::load_code_problems(root + "/" + c.task->dataset_file);
    std::string language = c.task->label == "human_eval_cpp" ? "cpp" : c.task->label == "human_eval_js" ? "javascript" : "python";
    for (const auto& p : problems) EXPECT_EQ(p.language, language) << p.where;
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"human_eval", "human_eval_cpp", "human_eval_js", "human_eval_return_simple",
                                              "human_eval_return_complex", "human_eval_25", "human_eval_50",
                                              "human_eval_75"}));
}

}  // namespace
}  // namespace mpt
