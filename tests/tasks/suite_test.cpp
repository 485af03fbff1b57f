// LLM Foundry's own task and gauntlet files against the bundled data root and against a data
// root with files missing; data path mapping; selection of evaluations.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "tasks/gauntlet.h"
#include "tasks/task_config.h"
#include "tasks/task_file.h"
#include "tasks/task_suite.h"
#include "tests/tasks/task_test_support.h"

namespace mpt {
namespace {

const std::string kRoot = std::string(MPTEVAL_SOURCE_DIR) + "/data/icl";
const std::string kTasks = kRoot + "/yamls/tasks_v0.3.yaml";

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

std::vector<std::string> missing_keys(const TaskSuite& s) {
  std::vector<std::string> out;
  for (const auto& m : s.missing) out.insert(out.end(), m.benchmark_keys.begin(), m.benchmark_keys.end());
  return out;
}

TEST(TaskSuite, TasksV03AgainstTheBundledData) {
  TaskSuite s = load_task_suite(kTasks, kRoot);
  std::vector<std::string> labels;
  for (const auto& e : s.evaluations) labels.push_back(e.label);
  for (const char* l : {"lambada_openai/0-shot", "piqa/0-shot", "hellaswag/0-shot", "hellaswag/10-shot", "arc_easy/3-shot",
                        "arc_challenge/3-shot", "arc_challenge/25-shot", "winograd/3-shot", "winogrande/5-shot",
                        "copa/0-shot", "boolq/0-shot", "triviaqa_sm_sub/3-shot", "svamp/5-shot",
                        "jeopardy/3-shot/american_history", "jeopardy/3-shot/word_origins"})
    EXPECT_TRUE(has(labels, l)) << l;
  EXPECT_EQ(labels.size(), 18u);  // 11 entries (arc_challenge and hellaswag twice) + 5 jeopardy categories
  std::vector<std::string> missing = missing_keys(s);
  for (const char* l : {"mmlu/5-shot", "squad/3-shot", "coqa/0-shot", "gsm8k/0-shot", "siqa/3-shot"})
    EXPECT_TRUE(has(missing, l)) << l;
  EXPECT_EQ(s.missing.size(), 20u);  // 32 entries in the file, 12 bundled

  const EvalSpec& svamp = *std::find_if(s.evaluations.begin(), s.evaluations.end(),
                                        [](const EvalSpec& e) { return e.label == "svamp/5-shot"; });
  EXPECT_EQ(svamp.task->prelimiter, "Question: ");  // question_prelimiter, renamed as LLM Foundry does
  EXPECT_EQ(svamp.task->cot_delimiter, "The answer is ");
  EXPECT_TRUE(svamp.dataset->has_cot);
  EXPECT_EQ(svamp.task->dataset_file, "symbolic_problem_solving/svamp.jsonl");
  EXPECT_EQ(svamp.task->dataset_path, kRoot + "/symbolic_problem_solving/svamp.jsonl");
}

TEST(TaskSuite, GauntletMarksCategoriesWithMissingDataPartial) {
  TaskSuite s = load_task_suite(kTasks, kRoot);
  std::vector<BenchmarkScore> scores;
  for (const auto& e : s.evaluations) scores.push_back({e.label, e.benchmark_key(), 0.5, e.size()});
  GauntletResult g = compute_gauntlet(load_gauntlet_config(kRoot + "/yamls/eval_gauntlet_v0.3.yaml"), scores);
  // language_understanding is fully bundled (LAMBADA, HellaSwag, Winograd, Winogrande); every other
  // v0.3 category has benchmarks whose data is not bundled.
  for (const auto& c : g.categories) {
    bool lu = c.name == "language_understanding";
    EXPECT_EQ(c.complete(), lu) << c.name;
    EXPECT_EQ(c.score.has_value(), lu) << c.name;
    EXPECT_TRUE(c.partial_score.has_value()) << c.name;
  }
  EXPECT_TRUE(has(g.categories[0].missing, "mmlu/5-shot"));
  EXPECT_TRUE(has(g.categories[4].missing, "squad/3-shot"));
  EXPECT_TRUE(has(g.categories[4].missing, "coqa/0-shot"));
  EXPECT_FALSE(g.averages[0].complete());
  EXPECT_EQ(g.averages[0].missing_categories.size(), 4u);
  // (0.5 - 0.25) / 0.75 for HellaSwag, 0 for the two-choice schemas, 0.5 for LAMBADA.
  EXPECT_NEAR(*g.categories[2].score, (0.5 + 1.0 / 3 + 0 + 0) / 4, 1e-12);
  EXPECT_NEAR(g.averages[0].score, *g.categories[2].score, 1e-12);  // LLM Foundry: the one complete category
}

TEST(TaskSuite, EmptyDataRootReportsEverythingMissing) {
  test::ScratchDir empty;
  TaskSuite s = load_task_suite(kTasks, empty.path());
  EXPECT_TRUE(s.evaluations.empty());
  EXPECT_EQ(s.missing.size(), 32u);
  EXPECT_TRUE(has(missing_keys(s), "arc_challenge/25-shot"));
  EXPECT_NE(s.missing[0].reason.find(empty.path() + "/symbolic_problem_solving/gsm8k_prepended_8shot.jsonl"),
            std::string::npos);
}

TEST(TaskSuite, SelectorsLoadOnlyWhatIsAsked) {
  TaskSuite s = load_task_suite(kTasks, kRoot, {{"jeopardy/3-shot/science", "arc_challenge/25-shot", "mmlu"}});
  ASSERT_EQ(s.evaluations.size(), 2u);
  EXPECT_EQ(s.evaluations[0].label, "jeopardy/3-shot/science");
  EXPECT_EQ(s.evaluations[1].label, "arc_challenge/25-shot");
  EXPECT_EQ(missing_keys(s), (std::vector<std::string>{"mmlu/5-shot"}));
  try {
    load_task_suite(kTasks, kRoot, {{"arc_chalenge"}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no task matches 'arc_chalenge'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("arc_challenge"), std::string::npos);  // lists the labels
  }
}

TEST(DataPaths, LlmFoundryUrisMapUnderTheDataRoot) {
  EXPECT_EQ(resolve_dataset_uri("eval/local_data/world_knowledge/arc_easy.jsonl", "/d", "w").path,
            "/d/world_knowledge/arc_easy.jsonl");
  EXPECT_EQ(resolve_dataset_uri("scripts/eval/local_data/world_knowledge/arc_easy.jsonl", "/d", "w").relative,
            "world_knowledge/arc_easy.jsonl");
  EXPECT_EQ(resolve_dataset_uri("world_knowledge/arc_easy.jsonl", "/d/", "w").path, "/d/world_knowledge/arc_easy.jsonl");
  EXPECT_EQ(resolve_dataset_uri("/abs/x.jsonl", "/d", "w").path, "/abs/x.jsonl");
  EXPECT_EQ(resolve_dataset_uri("./my_eval/local_data/x.jsonl", "/d", "w").path, "/d/my_eval/local_data/x.jsonl");
  EXPECT_THROW(resolve_dataset_uri("hf://datasets/x", "/d", "w"), Error);
}

// LLM Foundry's yamls say eval/local_data/...: relative to its scripts/ folder. A user standing in
// scripts/ or at the repository root passes that folder as the data root; all three work.
TEST(DataPaths, TheDataRootMayBeLocalDataScriptsOrTheRepositoryRoot) {
  test::ScratchDir repo;
  const std::string local = repo.path() + "/scripts/eval/local_data";
  std::filesystem::create_directories(local + "/commonsense_reasoning");
  std::ofstream(local + "/commonsense_reasoning/copa.jsonl") << "{}\n";
  const std::string uri = "eval/local_data/commonsense_reasoning/copa.jsonl";
  const std::string want = local + "/commonsense_reasoning/copa.jsonl";
  for (const std::string& root : {local, repo.path() + "/scripts", repo.path()}) {
    ResolvedDataPath p = resolve_dataset_uri(uri, root, "w");
    EXPECT_EQ(p.path, want) << "data root " << root;
    EXPECT_EQ(p.relative, "commonsense_reasoning/copa.jsonl") << "data root " << root;
  }
  // Nowhere: the message lists every candidate.
  ResolvedDataPath none = resolve_dataset_uri("eval/local_data/x/missing.jsonl", repo.path(), "w");
  EXPECT_EQ(none.path, repo.path() + "/x/missing.jsonl");
  const std::string msg = describe_missing_dataset(none.tried);
  for (const char* under : {"/x/missing.jsonl", "/eval/local_data/x/missing.jsonl", "/scripts/eval/local_data/x/missing.jsonl"})
    EXPECT_NE(msg.find(repo.path() + under), std::string::npos) << msg;
}

TEST(TaskFiles, EveryLlmFoundryYamlLoads) {
  // All of LLM Foundry's task and gauntlet files (bundled under data/icl/yamls) parse.
  for (const char* f : {"tasks_v0.3.yaml", "tasks_v0.2.yaml", "tasks_v0.1.yaml", "tasks.yaml", "tasks_light.yaml",
                        "tasks_v0.1.0-tag.yaml", "tasks_v0.2.0-tag.yaml", "copa.yaml", "mpt_eval.yaml", "test_tasks.yaml"})
    EXPECT_NO_THROW(load_task_suite(kRoot + "/yamls/" + f, kRoot)) << f;
  for (const char* f : {"eval_gauntlet_v0.3.yaml", "eval_gauntlet_v0.2.yaml", "eval_gauntlet_v0.1.yaml",
                        "eval_gauntlet.yaml", "model_gauntlet_v0.2.0-tag.yaml"})
    EXPECT_NO_THROW(load_gauntlet_config(kRoot + "/yamls/" + f)) << f;
  // eval_gauntlet.yaml's averages name categories it does not define: kept, with a warning.
  EXPECT_FALSE(load_gauntlet_config(kRoot + "/yamls/eval_gauntlet.yaml").warnings.empty());
}

}  // namespace
}  // namespace mpt

namespace mpt {
namespace {

// configs/default_tasks.yaml must use tasks_v0.3.yaml's settings for each of its tasks.
TEST(DefaultTasks, SameSettingsAsTasksV03) {
  TaskFile ours = load_task_file(std::string(MPTEVAL_SOURCE_DIR) + "/configs/default_tasks.yaml", kRoot);
  TaskFile v03 = load_task_file(kTasks, kRoot);
  std::vector<std::string> labels;
  for (const TaskConfig& t : ours.tasks) {
    labels.push_back(t.label);
    if (t.type == TaskType::CodeEvaluation) {
      // HumanEval as LLM Foundry's tasks.yaml has it (commented out there): 20 samples, pass@1.
      EXPECT_EQ(t.label, "human_eval");
      EXPECT_EQ(t.dataset_file, "programming/human_eval.jsonl");
      EXPECT_EQ(t.code.generations_per_sample, 20);
      EXPECT_EQ(t.code.pass_at_k, (std::vector<int64_t>{1}));
      continue;
    }
    auto it = std::find_if(v03.tasks.begin(), v03.tasks.end(), [&](const TaskConfig& v) { return v.label == t.label; });
    ASSERT_NE(it, v03.tasks.end()) << t.label;
    EXPECT_EQ(t.dataset_path, it->dataset_path) << t.label;
    EXPECT_EQ(t.type, it->type) << t.label;
    EXPECT_EQ(t.num_fewshot, it->num_fewshot) << t.label;
    EXPECT_EQ(t.continuation_delimiter, it->continuation_delimiter) << t.label;
    EXPECT_EQ(t.example_delimiter, it->example_delimiter) << t.label;
    EXPECT_EQ(t.prelimiter, it->prelimiter) << t.label;
    EXPECT_EQ(t.prompt_string, it->prompt_string) << t.label;
    EXPECT_EQ(t.do_normalization, it->do_normalization) << t.label;
    EXPECT_EQ(t.fewshot_random_seed, it->fewshot_random_seed) << t.label;
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"lambada_openai", "piqa", "hellaswag", "arc_easy", "arc_challenge", "winograd",
                                              "winogrande", "copa", "boolq", "triviaqa_sm_sub", "human_eval"}));
  EXPECT_TRUE(load_task_suite(std::string(MPTEVAL_SOURCE_DIR) + "/configs/default_tasks.yaml", kRoot).missing.empty());
}

}  // namespace
}  // namespace mpt

#include "tasks/prompt_listing.h"

namespace mpt {
namespace {

TEST(SelectOneEvaluation, LabelsPrefixesAndCategories) {
  TaskSuite s = load_task_suite(kTasks, kRoot, {{"jeopardy", "svamp", "arc_challenge", "mmlu"}});
  EXPECT_EQ(select_one_evaluation(s, "svamp").label, "svamp/5-shot");
  EXPECT_EQ(select_one_evaluation(s, "jeopardy/3-shot/science").label, "jeopardy/3-shot/science");
  EXPECT_EQ(select_one_evaluation(s, "jeopardy/word_origins").label, "jeopardy/3-shot/word_origins");
  EXPECT_EQ(select_one_evaluation(s, "arc_challenge/25-shot").label, "arc_challenge/25-shot");
  auto message = [&](const std::string& sel) -> std::string {
    try {
      select_one_evaluation(s, sel);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message("arc_challenge").find("names several evaluations"), std::string::npos);
  EXPECT_NE(message("arc_challenge").find("arc_challenge/3-shot, arc_challenge/25-shot"), std::string::npos);
  EXPECT_NE(message("mmlu").find("dataset missing for 'mmlu'"), std::string::npos);
  EXPECT_NE(message("piqa").find("no evaluation named 'piqa'"), std::string::npos);
  // Loading with a category selector keeps only that category.
  TaskSuite one = load_task_suite(kTasks, kRoot, {{"jeopardy/literature"}});
  ASSERT_EQ(one.evaluations.size(), 1u);
  EXPECT_EQ(one.evaluations[0].label, "jeopardy/3-shot/literature");
}

}  // namespace
}  // namespace mpt

namespace mpt {
namespace {

TEST(CodeEvaluationEntries, SettingsAreParsedForTasksCode) {
  test::ScratchDir dir;
  std::string yaml = dir.write("t.yaml", R"(icl_tasks:
- label: human_eval
  dataset_uri: eval/local_data/programming/human_eval.jsonl
  num_fewshot: [0]
  icl_task_type: code_evaluation
  generations_per_sample: 20
  pass_at_k: [1, 10]
  code_postprocess: human_eval
  strip_prompt: true
  generation_kwargs: {top_p: 0.95, max_new_tokens: 512, seed: 7}
- label: human_eval_plain
  dataset_uri: programming/human_eval.jsonl
  num_fewshot: [0]
  icl_task_type: code_evaluation
  pass_at_k: 1
)");
  TaskSuite s = load_task_suite(yaml, dir.path());  // data files are tasks/code's to load
  ASSERT_EQ(s.code_tasks.size(), 2u);
  EXPECT_TRUE(s.missing.empty());
  const CodeTaskSpec& c = s.code_tasks[0];
  EXPECT_EQ(c.label, "human_eval/0-shot");
  EXPECT_EQ(c.task->dataset_path, dir.path() + "/programming/human_eval.jsonl");
  EXPECT_EQ(c.task->code.generations_per_sample, 20);
  EXPECT_EQ(c.task->code.pass_at_k, (std::vector<int64_t>{1, 10}));
  EXPECT_EQ(c.task->code.postprocess, code::Postprocess::Codex);  // human_eval: OpenAI's stop lines
  EXPECT_TRUE(c.task->code.strip_prompt);
  EXPECT_FALSE(c.task->strip_dataset);
  const GenerationSettings& g = c.task->generation;
  EXPECT_TRUE(g.do_sample);          // LLM Foundry's code default
  EXPECT_EQ(g.temperature, 0.2);     // LLM Foundry's code default
  EXPECT_EQ(g.top_p, 0.95);
  EXPECT_EQ(g.top_k, 50);            // Hugging Face's default when sampling
  EXPECT_EQ(g.max_new_tokens, 512);
  SamplingParams p = g.sampling(3);
  EXPECT_EQ(p.temperature, 0.2);
  EXPECT_EQ(p.seed, 10u);            // configured seed + the request's seed
  const CodeTaskSpec& plain = s.code_tasks[1];
  EXPECT_EQ(plain.task->code.generations_per_sample, 1);
  EXPECT_EQ(plain.task->code.pass_at_k, (std::vector<int64_t>{1}));
  EXPECT_EQ(plain.task->code.postprocess, code::Postprocess::LlmFoundry);
  EXPECT_FALSE(plain.task->code.strip_prompt);
  EXPECT_EQ(plain.task->metric_names, (std::vector<std::string>{"InContextLearningCodeEvalAccuracy"}));
}

}  // namespace
}  // namespace mpt
