// Scoring with a scripted model on hand-computed cases for every task type: LLM Foundry's metric
// ("accuracy"), lm-eval's acc / acc_norm, ties, empty continuations, multi-token answers,
// aliases, chain of thought, categories, and the standard error.
#include <gtest/gtest.h>

#include <cmath>

#include "tasks/evaluate.h"
#include "tasks/example_scoring.h"
#include "tasks/task_suite.h"
#include "tests/tasks/task_test_support.h"

namespace mpt {
namespace {

using test::ScratchDir;
using test::FakeLanguageModel;
using test::WordTokenizer;

// Loads one task entry (YAML body) over one data file and prepares its first evaluation.
struct OneTask {
  ScratchDir dir;
  TaskSuite suite;
  OneTask(const std::string& entry, const std::string& jsonl) {
    dir.write("data.jsonl", jsonl);
    std::string yaml = dir.write("tasks.yaml", "icl_tasks:\n- label: t\n  dataset_uri: data.jsonl\n" + entry);
    suite = load_task_suite(yaml, dir.path());
  }
};

// A model scoring each continuation by its text: logprob = per_token[text] * number of tokens.
LoglikelihoodResponse by_text(const WordTokenizer& tok, const std::map<std::string, double>& per_token,
                              const LoglikelihoodRequest& r) {
  LoglikelihoodResponse resp;
  resp.num_tokens = static_cast<int32_t>(r.continuation.size());
  resp.logprob = per_token.at(tok.decode(r.continuation)) * resp.num_tokens;
  resp.greedy = false;
  return resp;
}

TEST(Metrics, MultipleChoiceLowestMeanNllWinsTiesGoToTheFirst) {
  OneTask t("  num_fewshot: [0]\n  icl_task_type: multiple_choice\n",
            R"({"query": "Q1", "choices": ["cat", "dog", "big dog"], "gold": 2}
{"query": "Q2", "choices": ["x", "y"], "gold": 1}
{"query": "Q3", "choices": ["right", "wrong"], "gold": 0}
)");
  WordTokenizer tok;
  FakeLanguageModel model;
  // Per-token log-probabilities. " big dog" is 2 tokens: sum -3 (lowest acc), mean -1.5 (best).
  std::map<std::string, double> lp = {{" cat", -3}, {" dog", -2}, {" big dog", -1.5}, {" x", -1}, {" y", -1},
                                      {" right", -0.1}, {" wrong", -5}};
  model.on_loglikelihood = [&](const LoglikelihoodRequest& r) { return by_text(tok, lp, r); };
  PreparedEval p = prepare_eval(t.suite.evaluations.at(0), tok);
  ASSERT_EQ(p.loglikelihood_requests.size(), 7u);
  EvalResult r = evaluate(p, model);
  EXPECT_EQ(model.loglikelihood_calls, 1);  // the naive runner sends everything at once
  ASSERT_EQ(r.examples.size(), 3u);
  // Example 0: mean NLL 3, 2, 1.5 -> choice 2 (gold). acc: sums -3, -2, -3 -> choice 1.
  // acc_norm: -3/4, -2/4, -3/8 characters (" big dog" has 8) -> choice 2.
  EXPECT_EQ(*r.examples[0].metric("accuracy"), 1.0);
  EXPECT_EQ(*r.examples[0].metric("acc"), 0.0);
  EXPECT_EQ(*r.examples[0].metric("acc_norm"), 1.0);
  EXPECT_EQ(r.examples[0].details["predicted"], 2);
  // Example 1: an exact tie goes to the first choice, which is wrong (gold 1), for all three.
  EXPECT_EQ(*r.examples[1].metric("accuracy"), 0.0);
  EXPECT_EQ(*r.examples[1].metric("acc"), 0.0);
  EXPECT_EQ(*r.examples[1].metric("acc_norm"), 0.0);
  EXPECT_EQ(*r.examples[2].metric("accuracy"), 1.0);
  // accuracy = [1, 0, 1]: mean 2/3; sample sd = sqrt(((1/3)^2 * 2 + (2/3)^2) / 2) = sqrt(1/3);
  // stderr = sd / sqrt(3) = 1/3. Tolerance: a few ulps of double arithmetic.
  ASSERT_EQ(r.metrics[0].name, "accuracy");
  EXPECT_NEAR(r.metrics[0].mean, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(*r.metrics[0].stderr_mean, 1.0 / 3.0, 1e-12);
  EXPECT_EQ(r.metrics[0].count, 3);
  EXPECT_NEAR(*r.accuracy(), 2.0 / 3.0, 1e-12);
}

TEST(Metrics, OptionWithoutTokensBehavesLikePythonsMinOverNan) {
  // A NaN mean NLL (no tokens) wins only in first position, as Python's min() over perplexities.
  EXPECT_EQ(lowest_mean_nll({0.0, -1.0}, {0, 1}), 0);
  EXPECT_EQ(lowest_mean_nll({-1.0, 0.0}, {1, 0}), 0);
  EXPECT_EQ(lowest_mean_nll({-4.0, 0.0, -1.0}, {1, 0, 1}), 2);
  EXPECT_EQ(first_argmax({-1.0, -0.5, -0.5}), 1);
}

TEST(Metrics, MultipleChoiceEmptyChoiceWithoutPrefixSpace) {
  // A SentencePiece-like tokenizer: no prefix space, so "" stays an empty continuation.
  OneTask t("  num_fewshot: [0]\n  icl_task_type: multiple_choice\n",
            R"({"query": "Q", "choices": ["b", ""], "gold": 1}
)");
  WordTokenizer tok(false, /*join_space=*/false);
  FakeLanguageModel model;
  model.on_loglikelihood = [&](const LoglikelihoodRequest& r) {
    LoglikelihoodResponse resp;
    resp.num_tokens = static_cast<int32_t>(r.continuation.size());
    resp.logprob = -2.0 * resp.num_tokens;  // the empty choice gets 0, i.e. the best sum
    return resp;
  };
  PreparedEval p = prepare_eval(t.suite.evaluations.at(0), tok);
  EXPECT_FALSE(p.prefix_space);
  EXPECT_TRUE(p.loglikelihood_requests[1].continuation.empty());
  EvalResult r = evaluate(p, model);
  EXPECT_EQ(*r.examples[0].metric("accuracy"), 0.0);  // NaN in second place never wins
  EXPECT_EQ(*r.examples[0].metric("acc"), 1.0);       // sum 0 > -2
}

TEST(Metrics, LanguageModelingNeedsEveryTokenGreedy) {
  OneTask t("  num_fewshot: [0]\n  icl_task_type: language_modeling\n",
            R"({"context": "The capital of France is", "continuation": "Paris"}
{"context": "A multi token answer:", "continuation": "New York City"}
{"context": "Another one:", "continuation": "New York City"}
)");
  WordTokenizer tok;
  FakeLanguageModel model;
  int calls = 0;
  model.on_loglikelihood = [&](const LoglikelihoodRequest& r) {
    LoglikelihoodResponse resp;
    resp.num_tokens = static_cast<int32_t>(r.continuation.size());
    resp.logprob = -0.5 * resp.num_tokens;
    resp.greedy = calls++ != 2;  // the third example misses one of its three tokens
    return resp;
  };
  PreparedEval p = prepare_eval(t.suite.evaluations.at(0), tok);
  EXPECT_EQ(p.loglikelihood_requests[1].continuation.size(), 3u);  // " New", " York", " City"
  EXPECT_EQ(tok.decode(p.loglikelihood_requests[0].context), "The capital of France is");
  EXPECT_EQ(tok.decode(p.loglikelihood_requests[0].continuation), " Paris");
  EvalResult r = evaluate(p, model);
  EXPECT_EQ(*r.examples[0].metric("accuracy"), 1.0);
  EXPECT_EQ(*r.examples[1].metric("accuracy"), 1.0);
  EXPECT_EQ(*r.examples[2].metric("accuracy"), 0.0);
  EXPECT_EQ(r.examples[1].details["num_tokens"], 3);
}

TEST(Metrics, LanguageModelingEmptyContinuationIsVacuouslyCorrect) {
  OneTask t("  num_fewshot: [0]\n  icl_task_type: language_modeling\n", R"({"context": "abc", "continuation": ""}
)");
  WordTokenizer tok(false, /*join_space=*/false);
  FakeLanguageModel model;
  model.on_loglikelihood = [](const LoglikelihoodRequest& r) {
    EXPECT_TRUE(r.continuation.empty());
    return LoglikelihoodResponse{};  // the waist's contract: empty -> logprob 0, greedy true
  };
  EvalResult r = evaluate(prepare_eval(t.suite.evaluations.at(0), tok), model);
  EXPECT_EQ(*r.examples[0].metric("accuracy"), 1.0);  // LLM Foundry: (empty == empty).all() is True
}

TEST(Metrics, SchemaScoresTheSharedContinuationUnderEachContext) {
  OneTask t("  num_fewshot: [0]\n  icl_task_type: schema\n",
            R"({"context_options": ["The trophy did not fit because the trophy", "The trophy did not fit because the case"], "continuation": "was too big.", "gold": 0}
{"context_options": ["Option A", "Option B"], "continuation": "ends here.", "gold": 1}
)");
  WordTokenizer tok;
  FakeLanguageModel model;
  model.on_loglikelihood = [&](const LoglikelihoodRequest& r) {
    std::string ctx = tok.decode(r.context);
    LoglikelihoodResponse resp;
    resp.num_tokens = static_cast<int32_t>(r.continuation.size());
    // The scored text is the same for both options; only the context differs.
    EXPECT_EQ(tok.decode(r.continuation).substr(0, 1), " ");
    resp.logprob = (ctx.find("trophy did not fit because the trophy") != std::string::npos || ctx == "Option A") ? -1.0 : -2.0;
    return resp;
  };
  PreparedEval p = prepare_eval(t.suite.evaluations.at(0), tok);
  ASSERT_EQ(p.loglikelihood_requests.size(), 4u);
  EXPECT_EQ(p.loglikelihood_requests[0].continuation, p.loglikelihood_requests[1].continuation);
  EvalResult r = evaluate(p, model);
  EXPECT_EQ(*r.examples[0].metric("accuracy"), 1.0);
  EXPECT_EQ(*r.examples[1].metric("accuracy"), 0.0);  // option A is preferred, gold is B
  EXPECT_EQ(*r.examples[1].metric("acc_norm"), *r.examples[1].metric("acc"));
}

GenerateResponse text(const std::string& s) {
  GenerateResponse g;
  g.text = s;
  g.finish = FinishReason::Stop;
  return g;
}

TEST(Metrics, GenerationMatchesAnswerOrAliasAfterNormalization) {
  OneTask t("  num_fewshot: [0]\n  icl_task_type: generation_task_with_answers\n",
            R"({"context": "Q: vegetable?", "answer": "Onion", "aliases": ["Onions", "Allium cepa"]}
{"context": "Q: sea?", "answer": "Red Sea", "aliases": ["The red sea "]}
{"context": "Q: who?", "answer": "Beyonce", "aliases": []}
{"context": "Q: what?", "answer": "Apple", "aliases": []}
)");
  WordTokenizer tok;
  FakeLanguageModel model;
  std::vector<std::string> outputs = {" allium CEPA, the bulb", " the Red-Sea.", " Beyonc\xc3\xa9 Knowles", " a pear"};
  size_t i = 0;
  model.on_generate = [&](const GenerateRequest& g) {
    EXPECT_EQ(g.sampling.temperature, 0.0);  // greedy
    EXPECT_TRUE(g.stop.empty());
    return text(outputs[i++]);
  };
  PreparedEval p = prepare_eval(t.suite.evaluations.at(0), tok);
  // Longest answer or alias, measured unstripped: "The red sea " -> "The", " red", " sea", " "
  // = 4 tokens; no CoT buffer.
  EXPECT_EQ(p.max_answer_length, 4);
  EXPECT_EQ(p.generate_requests[0].max_new_tokens, 4);
  EvalResult r = evaluate(p, model);
  EXPECT_EQ(*r.examples[0].metric("accuracy"), 1.0);  // "allium cepa bulb" starts with "allium cepa"
  EXPECT_EQ(*r.examples[1].metric("accuracy"), 1.0);  // "red sea" (articles and punctuation removed)
  EXPECT_EQ(*r.examples[2].metric("accuracy"), 0.0);  // "beyoncé knowles" does not start with "beyonce"
  EXPECT_EQ(*r.examples[3].metric("accuracy"), 0.0);
  EXPECT_EQ(r.examples[1].details["cleaned_output"], "red sea");
}

TEST(Metrics, GenerationChainOfThoughtStopsAndBudget) {
  OneTask t(R"(  num_fewshot: [0]
  icl_task_type: generation_task_with_answers
  cot_delimiter: "The answer is "
  continuation_delimiter: "\n\nA:"
  question_prelimiter: "Question: "
  do_normalization: false
  early_stopping_criteria: ["\n\n", "Question:"]
)",
            R"J({"context": "2 - 1?", "chain_of_thought": "( 2.0 - 1.0 )", "answer": "1"}
{"context": "3 + 9?", "chain_of_thought": "( 3.0 + 9.0 )", "answer": "12"}
{"context": "5 - 1?", "chain_of_thought": "( 5.0 - 1.0 )", "answer": "4"}
)J");
  WordTokenizer tok;
  FakeLanguageModel model;
  std::vector<std::string> outputs = {
      " ( 2.0 - 1.0 )The answer is 1\n\nQuestion: 7 + 1?",  // cut at "\n\n", after the delimiter: "1"
      "( 3.0 + 9.0 ) The answer is 11 The answer is 12",    // the text after the LAST delimiter
      " The answer is 45",                                   // "45" starts with "4"
  };
  size_t i = 0;
  model.on_generate = [&](const GenerateRequest& g) {
    EXPECT_EQ(g.stop, (std::vector<std::string>{"\n\n", "Question:"}));
    return text(outputs[i++]);
  };
  PreparedEval p = prepare_eval(t.suite.evaluations.at(0), tok);
  // Longest "cot + delimiter + answer": "( 3.0 + 9.0 )The answer is 12" -> 8 word tokens, + 10.
  EXPECT_EQ(p.max_answer_length, 18);
  EXPECT_EQ(p.generate_requests[0].max_new_tokens, 18);
  EXPECT_EQ(tok.decode(p.generate_requests[0].prompt), "Question: 2 - 1?\n\nA:");
  EvalResult r = evaluate(p, model);
  EXPECT_EQ(*r.examples[0].metric("accuracy"), 1.0);
  EXPECT_EQ(*r.examples[1].metric("accuracy"), 1.0);
  // LLM Foundry's check is a prefix test: "45".startswith("4") counts as correct.
  EXPECT_EQ(*r.examples[2].metric("accuracy"), 1.0);
  EXPECT_EQ(r.examples[0].details["final_answer"], "1");
}

TEST(Metrics, GenerationKwargsOverrideTheBudgetAndSample) {
  OneTask t(R"(  num_fewshot: [0]
  icl_task_type: generation_task_with_answers
  generation_kwargs: {max_new_tokens: 7, do_sample: true, temperature: 0.5, top_k: 4, seed: 100}
)",
            R"({"context": "Q", "answer": "A"}
{"context": "Q2", "answer": "B"}
)");
  WordTokenizer tok;
  PreparedEval p = prepare_eval(t.suite.evaluations.at(0), tok);
  EXPECT_EQ(p.generate_requests[1].max_new_tokens, 7);
  EXPECT_EQ(p.generate_requests[1].sampling.temperature, 0.5);
  EXPECT_EQ(p.generate_requests[1].sampling.top_k, 4);
  EXPECT_EQ(p.generate_requests[1].sampling.seed, 101u);  // configured seed + example index
}

TEST(Metrics, CategoriesAreSeparateEvaluations) {
  OneTask t("  num_fewshot: [1]\n  icl_task_type: language_modeling\n  has_categories: true\n",
            R"({"context": "b1", "continuation": "x", "category": "b_cat"}
{"context": "a1", "continuation": "y", "category": "a_cat"}
{"context": "b2", "continuation": "z", "category": "b_cat"}
{"context": "a2", "continuation": "w", "category": "a_cat"}
{"context": "a3", "continuation": "v", "category": "a_cat"}
)");
  ASSERT_EQ(t.suite.evaluations.size(), 2u);
  const EvalSpec& a = t.suite.evaluations[0];
  const EvalSpec& b = t.suite.evaluations[1];
  EXPECT_EQ(a.label, "t/1-shot/a_cat");  // categories sorted
  EXPECT_EQ(b.label, "t/1-shot/b_cat");
  EXPECT_EQ(a.benchmark_key(), "t/1-shot");
  EXPECT_EQ(a.rows, (std::vector<int64_t>{1, 3, 4}));
  EXPECT_EQ(b.rows, (std::vector<int64_t>{0, 2}));
  WordTokenizer tok;
  // Shots come from the same category only: with two b_cat rows, each one's shot is the other.
  PreparedEval pb = prepare_eval(b, tok);
  EXPECT_EQ(pb.examples[0].prompt.fewshot, (std::vector<int64_t>{1}));
  EXPECT_EQ(pb.examples[0].prompt.pieces.preamble, "b2 z");
  EXPECT_EQ(pb.examples[1].prompt.pieces.preamble, "b1 x");
  FakeLanguageModel model;
  model.on_loglikelihood = [](const LoglikelihoodRequest& r) {
    LoglikelihoodResponse resp;
    resp.num_tokens = static_cast<int32_t>(r.continuation.size());
    return resp;
  };
  EvalResult ra = evaluate(prepare_eval(a, tok), model);
  EXPECT_EQ(ra.dataset_size, 3);
  EXPECT_EQ(ra.category, "a_cat");
  EXPECT_EQ(ra.examples.size(), 3u);
}

TEST(Metrics, LimitKeepsTheSamePromptsAndDrawsAsTheFullRun) {
  std::string rows;
  for (int i = 0; i < 30; ++i) rows += R"({"context": "c)" + std::to_string(i) + R"(", "continuation": "w"})" + "\n";
  OneTask t("  num_fewshot: [3]\n  icl_task_type: language_modeling\n", rows);
  WordTokenizer tok;
  PreparedEval full = prepare_eval(t.suite.evaluations.at(0), tok);
  PreparedEval some = prepare_eval(t.suite.evaluations.at(0), tok, {.limit = 7});
  ASSERT_EQ(some.examples.size(), 7u);
  for (size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(some.examples[i].prompt.fewshot, full.examples[i].prompt.fewshot);
    EXPECT_EQ(some.loglikelihood_requests[i].context, full.loglikelihood_requests[i].context);
  }
}

}  // namespace
}  // namespace mpt
