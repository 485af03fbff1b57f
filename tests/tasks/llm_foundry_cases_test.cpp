// Prompt strings that LLM Foundry's own tests assert (tests/eval/test_in_context_learning_datasets.py
// at 8c8dd48f7), on its small test datasets: chain of thought with a prelimiter, and multiple
// choice with and without a prelimiter. Those tests decode GPT-2 tokens, so the expected text is
// preamble + context exactly.
#include <gtest/gtest.h>

#include "tasks/prompt_builder.h"
#include "tasks/task_suite.h"
#include "tests/tasks/task_test_support.h"

namespace mpt {
namespace {

const std::string kSmall = std::string(MPTEVAL_TEST_FIXTURES) + "/icl_small/";

std::vector<ExamplePrompt> prompts_for(const std::string& entry) {
  test::ScratchDir dir;
  TaskSuite s = load_task_suite(dir.write("t.yaml", "icl_tasks:\n- label: t\n" + entry), dir.path());
  return build_prompts(s.evaluations.at(0), /*prefix_space=*/true);
}

std::string joined(const ExamplePrompt& p) { return p.pieces.preamble + p.pieces.contexts.at(0); }

TEST(LlmFoundryTests, QaTaskWithCotDataloader) {
  const std::string entry = "  dataset_uri: " + kSmall + R"(gsm8k_small.jsonl
  icl_task_type: generation_task_with_answers
  prompt_string: ''
  example_delimiter: "\n"
  prelimiter: 'Q: '
  continuation_delimiter: "\nA: Let's think step by step. "
  cot_delimiter: ' #### '
  num_fewshot: [)";
  const std::string q0 =
      "Q: Janet\u2019s ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins for her "
      "friends every day with four. She sells the remainder at the farmers' market daily for $2 per fresh duck egg. How "
      "much in dollars does she make every day at the farmers' market?\nA: Let's think step by step.";
  const std::string q1 =
      "Q: A robe takes 2 bolts of blue fiber and half that much white fiber.  How many bolts in total does it take?\nA: "
      "Let's think step by step.";
  const std::string shot_josh =
      "Q: Josh decides to try flipping a house.  He buys a house for $80,000 and then puts in $50,000 in repairs.  This "
      "increased the value of the house by 150%.  How much profit did he make?\nA: Let's think step by step. The cost of "
      "the house and repairs came out to 80,000+50,000=$<<80000+50000=130000>>130,000\nHe increased the value of the house "
      "by 80,000*1.5=<<80000*1.5=120000>>120,000\nSo the new value of the house is "
      "120,000+80,000=$<<120000+80000=200000>>200,000\nSo he made a profit of "
      "200,000-130,000=$<<200000-130000=70000>>70,000 #### 70000";

  std::vector<ExamplePrompt> zero = prompts_for(entry + "0]\n");
  EXPECT_EQ(joined(zero[0]), q0);
  EXPECT_EQ(joined(zero[1]), q1);
  EXPECT_EQ(zero[0].pieces.labels, (std::vector<std::string>{"18"}));
  EXPECT_EQ(zero[1].pieces.labels, (std::vector<std::string>{"12334"}));

  std::vector<ExamplePrompt> two = prompts_for(entry + "2]\n");
  EXPECT_EQ(joined(two[0]),
            shot_josh +
                "\nQ: James decides to run 3 sprints 3 times a week.  He runs 60 meters each sprint.  How many total meters "
                "does he run a week?\nA: Let's think step by step. He sprints 3*3=<<3*3=9>>9 times\nSo he runs "
                "9*60=<<9*60=540>>540 meters #### 540\n" +
                q0);
  EXPECT_EQ(joined(two[1]),
            q0 +  // the shot keeps the delimiter's trailing space, which the test context lost
                " Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\nShe makes 9 * 2 = $<<9*2=18>>18 every day at "
                "the farmer\u2019s market. #### 18\n" +
                shot_josh + "\n" + q1);
}

TEST(LlmFoundryTests, McTaskDataloaderOneShot) {
  for (std::string prelimiter : {"", "This is a question: "}) {
    std::vector<ExamplePrompt> p = prompts_for("  dataset_uri: " + kSmall + "piqa_small.jsonl\n"
                                               "  icl_task_type: multiple_choice\n  num_fewshot: [1]\n"
                                               "  prelimiter: '" + prelimiter + "'\n  continuation_delimiter: \"\\nA: \"\n");
    const std::string q1 = "how do you shake something?\nA: ";
    const std::string a1 = "move it up and down and side to side quickly.";
    const std::string q2 = "When boiling butter, when it's ready, you can\nA:";
    EXPECT_EQ(joined(p[0]), prelimiter + q1 + a1 + "\n" + prelimiter + q2) << prelimiter;
    EXPECT_EQ(p[0].pieces.continuations[0], " Pour it onto a plate");  // the batch's first row
  }
}

}  // namespace
}  // namespace mpt
