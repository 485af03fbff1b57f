// `mpt-eval prompts` end to end: the JSON documents are byte-identical to every golden file
// (through the real GPT-NeoX tokenizer's prefix-space rule), the listing shows the pieces and the
// token counts, and bad requests are usage errors.
#include <gtest/gtest.h>

#include "common/jsonl.h"
#include "tests/cli/run_command.h"

namespace mpt::test {
namespace {

const std::string kTasks = std::string(MPTEVAL_SOURCE_DIR) + "/data/icl/yamls/tasks_v0.3.yaml";
const std::string kFixtures = std::string(MPTEVAL_TEST_FIXTURES) + "/icl_prompts/";

TEST(PromptsCommand, JsonReproducesEveryGoldenFileByteForByte) {
  const std::pair<const char*, const char*> cases[] = {
      {"lambada_openai.json", "lambada_openai"},
      {"arc_easy.json", "arc_easy"},
      {"arc_challenge.json", "arc_challenge/3-shot"},
      {"piqa.json", "piqa"},
      {"boolq.json", "boolq"},
      {"winograd.json", "winograd"},
      {"triviaqa_sm_sub.json", "triviaqa_sm_sub"},
      {"jeopardy_american_history.json", "jeopardy/3-shot/american_history"},
      {"jeopardy_literature.json", "jeopardy/literature"},
      {"jeopardy_science.json", "jeopardy/3-shot/science"},
      {"jeopardy_world_history.json", "jeopardy/3-shot/world_history"},
  };
  for (const auto& [file, task] : cases) {
    CommandResult r = run_mpt_eval({"prompts", "--tasks", kTasks, "--task", task, "--json", "--fixture-selection"});
    ASSERT_EQ(r.exit_code, 0) << file << ": " << r.err;
    EXPECT_TRUE(r.out == read_file(kFixtures + file)) << file << " differs";
  }
}

TEST(PromptsCommand, JsonWithLimitHoldsTheFirstExamples) {
  CommandResult r = run_mpt_eval({"prompts", "--tasks", kTasks, "--task", "svamp", "--json", "--limit", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["examples"].size(), 3u);
  EXPECT_EQ(doc["settings"]["has_cot"], true);
  EXPECT_EQ(doc["settings"]["prelimiter"], "Question: ");
  EXPECT_EQ(doc["examples"][2]["index"], 2);
  EXPECT_EQ(doc["examples"][0]["fewshot_indices"].size(), 5u);
  const std::string answer = doc["examples"][0]["pieces"]["answer"];
  EXPECT_NE(answer.find("The answer is "), std::string::npos) << answer;
}

TEST(PromptsCommand, ListingShowsPiecesAndTokenCounts) {
  CommandResult r = run_mpt_eval({"prompts", "--tasks", kTasks, "--task", "piqa", "--index", "1837", "--tokens"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("piqa/0-shot: multiple_choice"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("== example 1837"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"Question: Where can I buy a tennis ball\\nAnswer:\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("choice 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("continuation ids: ["), std::string::npos) << r.out;
}

TEST(PromptsCommand, BadRequestsAreUsageErrors) {
  CommandResult ambiguous = run_mpt_eval({"prompts", "--tasks", kTasks, "--task", "arc_challenge"});
  EXPECT_EQ(ambiguous.exit_code, 2);
  EXPECT_NE(ambiguous.err.find("arc_challenge/25-shot"), std::string::npos) << ambiguous.err;
  CommandResult missing = run_mpt_eval({"prompts", "--tasks", kTasks, "--task", "mmlu"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("dataset missing"), std::string::npos) << missing.err;
  CommandResult unknown = run_mpt_eval({"prompts", "--tasks", kTasks, "--task", "nope"});
  EXPECT_EQ(unknown.exit_code, 2);
  CommandResult index = run_mpt_eval({"prompts", "--tasks", kTasks, "--task", "copa", "--index", "100"});
  EXPECT_EQ(index.exit_code, 2);
  EXPECT_NE(index.err.find("example index out of range"), std::string::npos) << index.err;
}

}  // namespace
}  // namespace mpt::test
