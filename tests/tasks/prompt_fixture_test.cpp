// Every golden file in tests/fixtures/icl_prompts/ (LLM Foundry's prompt pieces and few-shot
// draws) rebuilt from the bundled data and LLM Foundry's own tasks_v0.3.yaml: each record's
// pieces and few-shot indices, and the whole document byte for byte.
#include <gtest/gtest.h>

#include "common/jsonl.h"
#include "tasks/prompt_builder.h"
#include "tasks/prompt_document.h"
#include "tasks/task_suite.h"

namespace mpt {
namespace {

const std::string kDataRoot = std::string(MPTEVAL_SOURCE_DIR) + "/data/icl";
const std::string kTasksYaml = kDataRoot + "/yamls/tasks_v0.3.yaml";

struct FixtureCase {
  const char* file;
  const char* eval_label;
};

class PromptFixture : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(PromptFixture, EveryRecordAndTheWholeFileMatch) {
  const FixtureCase c = GetParam();
  const std::string path = std::string(MPTEVAL_TEST_FIXTURES) + "/icl_prompts/" + c.file;
  const std::string golden = read_file(path);
  nlohmann::ordered_json want = nlohmann::ordered_json::parse(golden);

  TaskSuite suite = load_task_suite(kTasksYaml, kDataRoot, {{c.eval_label}});
  ASSERT_EQ(suite.evaluations.size(), 1u);
  const EvalSpec& spec = suite.evaluations[0];
  ASSERT_EQ(spec.size(), want["dataset_size"].get<int64_t>());

  std::vector<ExamplePrompt> prompts = build_prompts(spec, /*prefix_space=*/true);
  for (const auto& rec : want["examples"]) {
    const ExamplePrompt& p = prompts.at(rec["index"].get<size_t>());
    SCOPED_TRACE(std::string(c.file) + " example " + std::to_string(p.index));
    EXPECT_EQ(p.fewshot, rec["fewshot_indices"].get<std::vector<int64_t>>());
    if (rec.contains("source_index")) {
      EXPECT_EQ(p.row, rec["source_index"].get<int64_t>());
    }
    EXPECT_EQ(pieces_json(*spec.task, p.pieces), rec["pieces"]);
  }
  PromptSelection sel = fixture_selection(spec);
  std::string ours = dump_prompt_document(prompt_document(spec, prompts, sel, "tasks_v0.3.yaml", true));
  EXPECT_TRUE(ours == golden) << c.file << " differs as a file (records above compare field by field)";
}

INSTANTIATE_TEST_SUITE_P(
    LlmFoundry, PromptFixture,
    ::testing::Values(FixtureCase{"lambada_openai.json", "lambada_openai/0-shot"},
                      FixtureCase{"arc_easy.json", "arc_easy/3-shot"},
                      FixtureCase{"arc_challenge.json", "arc_challenge/3-shot"},
                      FixtureCase{"piqa.json", "piqa/0-shot"}, FixtureCase{"boolq.json", "boolq/0-shot"},
                      FixtureCase{"winograd.json", "winograd/3-shot"},
                      FixtureCase{"triviaqa_sm_sub.json", "triviaqa_sm_sub/3-shot"},
                      FixtureCase{"jeopardy_american_history.json", "jeopardy/3-shot/american_history"},
                      FixtureCase{"jeopardy_literature.json", "jeopardy/3-shot/literature"},
                      FixtureCase{"jeopardy_science.json", "jeopardy/3-shot/science"},
                      FixtureCase{"jeopardy_world_history.json", "jeopardy/3-shot/world_history"}),
    [](const auto& info) {
      std::string n = info.param.file;
      return n.substr(0, n.find('.'));
    });

}  // namespace
}  // namespace mpt
