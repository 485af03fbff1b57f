// mpt-eval score-samples on LLM Foundry's C++ and JavaScript HumanEval files, a slice of each
// (every problem: languages_canonical_test.cpp, label heavy).
#include <map>

#include "tests/sandbox/score_samples_languages_fixture.h"

namespace mpt::test {
namespace {

TEST_F(ScoreSamplesLanguages, CanonicalSolutionsPassAndEmptyBodiesFail) {
  for (const char* language : {"cpp", "js"}) {
    SCOPED_TRACE(language);
    json s = score(samples(language, "canonical.jsonl", 6), language);
    EXPECT_EQ(s["pass@1"], 1.0);
    EXPECT_EQ(s["verdicts"]["passed"], 6);
    // LLM Foundry's own input/output comparison: its JavaScript file's cases for JavaScript/2 are
    // exact JSON text of floats: truncateNumber(1.33) is 0.33000000000000007, not the listed 0.33.
    std::string io = samples(language, "canonical_io.jsonl", 6);
    score(io, language, {"--tests", "io"});
    EXPECT_EQ(failing(io), std::string(language) == "js" ? std::set<std::string>{"JavaScript/2"} : std::set<std::string>{});
    s = score(samples(language, "empty.jsonl", 6, "}\n"), language);
    EXPECT_EQ(s["pass@1"], 0.0);
  }
  // A completion that does not compile is its own verdict.
  json s = score(samples("cpp", "broken.jsonl", 2, "    return undeclared_name;\n}\n"), "cpp");
  EXPECT_EQ(s["verdicts"]["compile_error"], 2);
}

// A completion that exits with status 0 before the test's asserts (then the canonical body, never
// reached) fails in the check form: the test never ran to its end, so the trailer after it never
// wrote the completion token (tasks/code/native_assembly.h).
TEST_F(ScoreSamplesLanguages, ExitingBeforeTheTestsFails) {
  const std::string early = "failed: the program exited before its tests finished (exit status 0)";
  const std::map<std::string, std::vector<std::string>> exits = {
      {"cpp", {"    exit(0);\n", "    std::exit(0);\n", "    _Exit(0);\n", "    quick_exit(0);\n"}},
      {"js", {"  process.exit(0)\n", "  process.exitCode = 0; process.exit()\n"}},
  };
  for (const auto& [language, prefixes] : exits) {
    SCOPED_TRACE(language);
    code::CodeProblem p = code::load_code_problems(kProgramming + "processed_human_eval_" + language + ".jsonl").at(0);
    std::string path = (dir_ / (language + "_exit.jsonl")).string();
    {
      std::ofstream out(path);
      for (const std::string& prefix : prefixes)
        out << json({{"task_id", p.task_id}, {"completion", prefix + p.canonical_solution}}).dump() << "\n";
      out << json({{"task_id", p.task_id}, {"completion", p.canonical_solution}}).dump() << "\n";
    }
    json s = score(path, language);
    EXPECT_EQ(s["verdicts"]["passed"], 1);
    std::ifstream in(path + "_results.jsonl");
    size_t n = 0;
    for (std::string line; std::getline(in, line); ++n) {
      json j = json::parse(line);
      SCOPED_TRACE(j["completion"].get<std::string>().substr(0, 40));
      EXPECT_EQ(j["result"], n < prefixes.size() ? early : "passed");
    }
    EXPECT_EQ(n, prefixes.size() + 1);
  }
}

TEST_F(ScoreSamplesLanguages, LanguageMustMatchTheProblems) {
  std::string path = samples("cpp", "canonical.jsonl", 1);
  CommandResult r = run_mpt_eval({"score-samples", "--samples", path, "--language", "javascript", "--problems",
                                  kProgramming + "processed_human_eval_cpp.jsonl"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("processed_human_eval_cpp.jsonl:1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("expected language javascript, found cpp"), std::string::npos) << r.err;
  r = run_mpt_eval({"score-samples", "--samples", path, "--language", "cobol"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown language (--language)"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mpt::test
