// Requests built from prompt pieces: separate tokenization, the preamble's special tokens and
// LLM Foundry's EOS fix, left truncation to max_seq_len, the generation budget.
#include <gtest/gtest.h>

#include "common/error.h"
#include "tasks/prepared_eval.h"
#include "tasks/task_suite.h"
#include "tests/tasks/task_test_support.h"

namespace mpt {
namespace {

using test::ScratchDir;
using test::WordTokenizer;

struct OneTask {
  ScratchDir dir;
  TaskSuite suite;
  OneTask(const std::string& entry, const std::string& jsonl) {
    dir.write("data.jsonl", jsonl);
    suite = load_task_suite(dir.write("tasks.yaml", "icl_tasks:\n- label: t\n  dataset_uri: data.jsonl\n" + entry),
                            dir.path());
  }
  const EvalSpec& spec() const { return suite.evaluations.at(0); }
};

Tokens cat(Tokens a, const Tokens& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(Prepare, PiecesAreTokenizedSeparately) {
  // prompt_string "Say" + example_delimiter "" + context "hello": joined it would be one word.
  OneTask t("  num_fewshot: [0]\n  icl_task_type: language_modeling\n  prompt_string: Say\n  example_delimiter: ''\n",
            R"({"context": "hello", "continuation": "world"})"
            "\n");
  WordTokenizer tok;
  PreparedEval p = prepare_eval(t.spec(), tok);
  EXPECT_EQ(p.examples[0].prompt.pieces.preamble, "Say");
  EXPECT_EQ(p.examples[0].prompt.pieces.contexts[0], "hello");
  EXPECT_EQ(p.loglikelihood_requests[0].context, cat(tok.encode("Say"), tok.encode("hello")));
  EXPECT_NE(p.loglikelihood_requests[0].context, tok.encode("Sayhello"));
  EXPECT_EQ(p.loglikelihood_requests[0].continuation, tok.encode(" world"));
}

TEST(Prepare, PreambleSpecialTokensAndTheEosFix) {
  OneTask t("  num_fewshot: [0, 1]\n  icl_task_type: language_modeling\n",
            R"({"context": "a", "continuation": "b"}
{"context": "c", "continuation": "d"}
)");
  WordTokenizer tok(/*add_bos_eos=*/true);
  // 0-shot: the empty preamble encodes to [BOS, EOS]; the trailing EOS is dropped, BOS stays.
  PreparedEval zero = prepare_eval(t.suite.evaluations.at(0), tok);
  EXPECT_EQ(zero.loglikelihood_requests[0].context, (Tokens{1, tok.encode("a")[0]}));
  // 1-shot: preamble "c d" -> [BOS, c, " d", EOS] -> EOS dropped; context "\na" follows.
  PreparedEval one = prepare_eval(t.suite.evaluations.at(1), tok);
  EXPECT_EQ(one.examples[0].prompt.pieces.preamble, "c d");
  EXPECT_EQ(one.loglikelihood_requests[0].context, cat(cat(Tokens{1}, tok.encode("c d")), tok.encode("\na")));
}

TEST(Prepare, ContextIsTruncatedFromTheLeft) {
  OneTask t("  num_fewshot: [0]\n  icl_task_type: multiple_choice\n  max_seq_len: 6\n",
            R"({"query": "w1 w2 w3 w4 w5 w6", "choices": ["x", "y z"], "gold": 0})"
            "\n");
  WordTokenizer tok;
  PreparedEval p = prepare_eval(t.spec(), tok);
  EXPECT_EQ(p.max_seq_len, 6);
  // Choice " x" (1 token) leaves 5 context tokens; " y z" (2) leaves 4: the oldest are cut.
  EXPECT_EQ(tok.decode(p.loglikelihood_requests[0].context), " w2 w3 w4 w5 w6");
  EXPECT_EQ(tok.decode(p.loglikelihood_requests[1].context), " w3 w4 w5 w6");
  EXPECT_EQ(tok.decode(p.loglikelihood_requests[1].continuation), " y z");
}

TEST(Prepare, DefaultMaxSeqLenComesFromTheCaller) {
  OneTask t("  num_fewshot: [0]\n  icl_task_type: language_modeling\n",
            R"({"context": "a b c d", "continuation": "e"})"
            "\n");
  WordTokenizer tok;
  PreparedEval p = prepare_eval(t.spec(), tok, {.default_max_seq_len = 3});
  EXPECT_EQ(tok.decode(p.loglikelihood_requests[0].context), " c d");
}

TEST(Prepare, ContinuationThatFillsMaxSeqLenIsAnError) {
  OneTask t("  num_fewshot: [0]\n  icl_task_type: language_modeling\n  max_seq_len: 2\n",
            R"({"context": "a", "continuation": "b"}
{"context": "a", "continuation": "b c"}
)");
  WordTokenizer tok;
  try {
    prepare_eval(t.spec(), tok);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("continuation does not fit in max_seq_len (example 1 of t/0-shot, "), std::string::npos) << msg;
    EXPECT_NE(msg.find("data.jsonl:2)"), std::string::npos) << msg;
  }
}

TEST(Prepare, GenerationPromptLeavesRoomForTheLongestAnswer) {
  OneTask t("  num_fewshot: [0]\n  icl_task_type: generation_task_with_answers\n  max_seq_len: 6\n",
            R"({"context": "q1 q2 q3 q4 q5 q6", "answer": "a b"})"
            "\n");
  WordTokenizer tok;
  PreparedEval p = prepare_eval(t.spec(), tok);
  EXPECT_EQ(p.max_answer_length, 2);
  EXPECT_EQ(tok.decode(p.generate_requests[0].prompt), " q3 q4 q5 q6");  // 6 - 2 tokens
  EXPECT_EQ(p.generate_requests[0].max_new_tokens, 2);
  EXPECT_TRUE(p.generate_requests[0].stop_at_eos);

  OneTask tight("  num_fewshot: [0]\n  icl_task_type: generation_task_with_answers\n  max_seq_len: 2\n",
                R"({"context": "q", "answer": "a b"})"
                "\n");
  EXPECT_THROW(prepare_eval(tight.spec(), tok), Error);
}

TEST(Prepare, ScoringRejectsMismatchedResponses) {
  OneTask t("  num_fewshot: [0]\n  icl_task_type: language_modeling\n", R"({"context": "a", "continuation": "b"})" "\n");
  WordTokenizer tok;
  PreparedEval p = prepare_eval(t.spec(), tok);
  EXPECT_THROW(p.score(EvalResponses{}), Error);
}

}  // namespace
}  // namespace mpt
