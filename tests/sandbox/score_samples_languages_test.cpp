// mpt-eval score-samples on LLM Foundry's C++ and JavaScript HumanEval files, a slice of each
// (every problem: languages_canonical_test.cpp, label heavy).
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
