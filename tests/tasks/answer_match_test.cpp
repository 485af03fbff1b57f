// LLM Foundry's answer cleaning and Python str semantics. Expected values were printed by
// CPython 3.11 running LLM Foundry's normalize_answer / re.split / str methods on the same inputs.
#include "tasks/answer_match.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "tasks/python_str.h"

namespace mpt {
namespace {

TEST(NormalizeAnswer, MatchesLlmFoundry) {
  EXPECT_EQ(normalize_answer("The Beatles"), "beatles");
  EXPECT_EQ(normalize_answer("  A  Tale_of Two-Cities!! "), "tale of two cities");
  EXPECT_EQ(normalize_answer("theater and the an a"), "theater and");
  EXPECT_EQ(normalize_answer("l\u2019\u00e9t\u00e9 \u00e0 Paris"), "l \u00e9t\u00e9 \u00e0 paris");
  EXPECT_EQ(normalize_answer("an_the"), "");  // underscores become spaces, then both are articles
  EXPECT_EQ(normalize_answer("Caf\u00e9\u00a0Noir\u2003x"), "caf\u00e9 noir x");  // Unicode whitespace
  EXPECT_EQ(normalize_answer("apple\u2019s `quote\u00b4"), "apple s quote");
  EXPECT_EQ(normalize_answer("a.b.c"), "b c");
  EXPECT_EQ(normalize_answer("THE END."), "end");
  EXPECT_EQ(normalize_answer("x\u2028y"), "x y");
  EXPECT_EQ(normalize_answer("the2 the_2 2the"), "the2 2 2the");  // \b needs a whole word
}

TEST(NormalizeAnswer, PythonLowercasing) {
  EXPECT_EQ(normalize_answer("\u03a3\u039f\u03a6\u039f\u03a3"), "\u03c3\u03bf\u03c6\u03bf\u03c2");  // final sigma
  EXPECT_EQ(py::lower("A\u03a3'B"), "a\u03c3'b");
  EXPECT_EQ(normalize_answer("\u0130stanbul"), "i\u0307stanbul");  // U+0130 lowercases to two code points
}

TEST(PythonStr, StripSplitLen) {
  EXPECT_EQ(py::strip("\u3000 \t x y \u2029\u0085"), "x y");
  EXPECT_EQ(py::rstrip(" a \n\n"), " a");
  EXPECT_EQ(py::strip("\u200b x"), "\u200b x");  // U+200B is not whitespace for Python
  EXPECT_EQ(py::len("\u00e9t\u00e9"), 3u);
  EXPECT_EQ(py::split_whitespace("  a\u00a0b\n c "), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(py::after_last("aaa", "aa"), "a");  // "aaa".split("aa")[-1]
  EXPECT_EQ(py::after_last("x The answer is 1", "The answer is "), "1");
  EXPECT_EQ(py::after_last("no delimiter", "The answer is "), "no delimiter");
}

TEST(StopSequences, SplitLikeReSplitOnTheJoinedPattern) {
  EXPECT_EQ(cut_at_stop_sequences("abc\n\nQuestion: x", {"\n\n", "Question:"}), "abc");
  EXPECT_EQ(cut_at_stop_sequences("abc Question: x\n\n", {"\n\n", "Question:"}), "abc ");
  EXPECT_EQ(cut_at_stop_sequences("no stop", {}), "no stop");
  // Stop strings are joined into an unescaped regular expression, so "." matches any character.
  EXPECT_EQ(cut_at_stop_sequences("xxabcabc", {"a.c"}), "xx");
  EXPECT_THROW(check_stop_sequences({"(unbalanced"}, "tasks.yaml:3"), Error);
}

TEST(JudgeAnswer, NormalizationOffStillStrips) {
  AnswerJudgement j = judge_answer("  42 \n", {" 42"}, {}, "", false);
  EXPECT_TRUE(j.correct);
  EXPECT_EQ(j.cleaned_output, "42");
  // Case matters without normalization.
  EXPECT_FALSE(judge_answer("Paris", {"paris"}, {}, "", false).correct);
  EXPECT_TRUE(judge_answer("Paris", {"paris"}, {}, "", true).correct);
  // A label that cleans to "" (here an article) matches every output, as in LLM Foundry.
  EXPECT_TRUE(judge_answer("anything", {"The"}, {}, "", true).correct);
}

}  // namespace
}  // namespace mpt
