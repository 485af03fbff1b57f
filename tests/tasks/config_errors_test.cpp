// Malformed task YAML and JSONL files: every error names the file and line (and the key) and says
// what was expected and found.
#include <gtest/gtest.h>

#include "common/error.h"
#include "tasks/gauntlet.h"
#include "tasks/task_suite.h"
#include "tests/tasks/task_test_support.h"

namespace mpt {
namespace {

using test::ScratchDir;

// Loads `yaml` (with data.jsonl = `jsonl`) and returns the error message ("" when it loads).
std::string load_error(const std::string& yaml, const std::string& jsonl = "{\"context\": \"a\", \"continuation\": \"b\"}\n") {
  ScratchDir dir;
  dir.write("data.jsonl", jsonl);
  std::string path = dir.write("tasks.yaml", yaml);
  try {
    load_task_suite(path, dir.path());
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input) << e.what();
    return std::string(e.what()).replace(std::string(e.what()).find(dir.path()), dir.path().size(), "DIR");
  }
  return "";
}

const std::string kHead = "icl_tasks:\n- label: t\n  dataset_uri: data.jsonl\n";

TEST(TaskYamlErrors, MissingRequiredKeys) {
  EXPECT_EQ(load_error("icl_tasks:\n- label: t\n  dataset_uri: data.jsonl\n  num_fewshot: [0]\n"),
            "missing key 'icl_task_type' (DIR/tasks.yaml:2, icl_tasks[0] 't'): expected key 'icl_task_type', "
            "found no such key");
  EXPECT_NE(load_error(kHead + "  icl_task_type: language_modeling\n").find("missing key 'num_fewshot'"), std::string::npos);
  EXPECT_NE(load_error("other: 1\n").find("missing key 'icl_tasks'"), std::string::npos);
}

TEST(TaskYamlErrors, WrongTypesNameFileLineAndKey) {
  EXPECT_EQ(load_error(kHead + "  icl_task_type: language_modeling\n  num_fewshot: three\n"),
            "wrong type for key 'num_fewshot' (DIR/tasks.yaml:5, icl_tasks[0] 't', key 'num_fewshot'): "
            "expected a list of integers, found plain scalar \"three\"");
  EXPECT_EQ(load_error(kHead + "  icl_task_type: language_modeling\n  num_fewshot: [0, \"1\"]\n"),
            "wrong type in list 'num_fewshot' (DIR/tasks.yaml:5, icl_tasks[0] 't'): expected a list of integers, "
            "found quoted string \"1\"");
  EXPECT_NE(load_error(kHead + "  icl_task_type: language_modeling\n  num_fewshot: [0]\n  has_categories: maybe\n")
                .find("wrong type for key 'has_categories' (DIR/tasks.yaml:6"),
            std::string::npos);
  EXPECT_NE(load_error(kHead + "  icl_task_type: language_modeling\n  num_fewshot: [0]\n  prompt_string:\n")
                .find("expected a string, found null"),
            std::string::npos);
  EXPECT_NE(load_error("icl_tasks: {a: 1}\n").find("wrong type for key 'icl_tasks'"), std::string::npos);
}

TEST(TaskYamlErrors, UnknownAndMisplacedKeys) {
  EXPECT_NE(load_error(kHead + "  icl_task_type: language_modeling\n  num_fewshot: [0]\n  continuation_delimeter: x\n")
                .find("unknown key 'continuation_delimeter' (DIR/tasks.yaml:6"),
            std::string::npos);
  EXPECT_NE(load_error(kHead + "  icl_task_type: multiple_choice\n  num_fewshot: [0]\n  cot_delimiter: x\n")
                .find("key 'cot_delimiter' does not apply to this task type"),
            std::string::npos);
  EXPECT_NE(load_error(kHead + "  icl_task_type: language_modeling\n  num_fewshot: [0]\n  num_beams: 2\n")
                .find("use generation_kwargs.num_beams instead"),
            std::string::npos);
  EXPECT_NE(load_error(kHead + "  icl_task_type: language_modeling\n  num_fewshot: [0]\n  hf_loading_vars: {}\n")
                .find("unsupported key 'hf_loading_vars'"),
            std::string::npos);
  EXPECT_NE(load_error(kHead + "  icl_task_type: language_modeling\n  num_fewshot: [0]\n  prelimiter: a\n"
                               "  question_prelimiter: b\n")
                .find("both prelimiter and question_prelimiter are set"),
            std::string::npos);
  EXPECT_NE(load_error(kHead + "  icl_task_type: classification\n  num_fewshot: [0]\n").find("unknown icl_task_type"),
            std::string::npos);
  EXPECT_NE(load_error(kHead + "  icl_task_type: language_modeling\n  num_fewshot: [0]\n"
                               "  metric_names: [InContextLearningLMExpectedCalibrationError]\n")
                .find("unsupported metric 'InContextLearningLMExpectedCalibrationError'"),
            std::string::npos);
}

TEST(TaskYamlErrors, BadValues) {
  EXPECT_NE(load_error(kHead + "  icl_task_type: language_modeling\n  num_fewshot: [3, 3]\n").find("duplicate num_fewshot"),
            std::string::npos);
  EXPECT_NE(load_error(kHead + "  icl_task_type: language_modeling\n  num_fewshot: []\n").find("empty num_fewshot"),
            std::string::npos);
  EXPECT_NE(load_error(kHead + "  icl_task_type: generation_task_with_answers\n  num_fewshot: [0]\n"
                               "  early_stopping_criteria: [\"(\"]\n")
                .find("stop sequences do not form a valid regular expression"),
            std::string::npos);
  EXPECT_NE(load_error(kHead + "  icl_task_type: code_evaluation\n  num_fewshot: [0]\n  pass_at_k: [1, 10]\n"
                               "  generations_per_sample: 5\n")
                .find("generations_per_sample smaller than pass_at_k"),
            std::string::npos);
  EXPECT_NE(load_error("icl_tasks:\n- label: t\n  dataset_uri: s3://bucket/x.jsonl\n  icl_task_type: schema\n"
                       "  num_fewshot: [0]\n")
                .find("remote dataset_uri is not supported"),
            std::string::npos);
  EXPECT_NE(load_error(kHead + "  icl_task_type: language_modeling\n  num_fewshot: [0]\n" + "- label: t\n"
                               "  dataset_uri: data.jsonl\n  icl_task_type: language_modeling\n  num_fewshot: [0]\n")
                .find("duplicate evaluation label 't/0-shot'"),
            std::string::npos);
}

TEST(TaskYamlErrors, SyntaxErrorsGiveLineAndColumn) {
  EXPECT_NE(load_error("icl_tasks:\n- label: [unclosed\n").find("malformed YAML (DIR/tasks.yaml:"), std::string::npos);
}

const std::string kMc = kHead + "  icl_task_type: multiple_choice\n  num_fewshot: [0]\n";

TEST(JsonlErrors, NameTheDataLine) {
  const std::string ok = "{\"query\": \"q\", \"choices\": [\"a\", \"b\"], \"gold\": 1}\n";
  EXPECT_EQ(load_error(kMc, ok + "{\"query\": \"q\", \"choices\": [\"a\"]}\n"),
            "missing key 'gold' (DIR/data.jsonl:2): expected key 'gold', found no such key");
  EXPECT_EQ(load_error(kMc, ok + ok + "{\"query\": \"q\", \"choices\": [\"a\", \"b\"], \"gold\": 2}\n"),
            "gold index out of range (DIR/data.jsonl:3): expected an index into 'choices' in [0, 2), found 2");
  EXPECT_EQ(load_error(kMc, "{\"query\": \"q\", \"choices\": [], \"gold\": 0}\n"),
            "empty 'choices' (DIR/data.jsonl:1): expected at least one entry, found []");
  EXPECT_EQ(load_error(kMc, "{\"query\": \"q\", \"choices\": [\"a\", 3], \"gold\": 0}\n"),
            "wrong type in list 'choices' (DIR/data.jsonl:1): expected strings only, found number 3");
  EXPECT_EQ(load_error(kMc, "{\"query\": 5, \"choices\": [\"a\"], \"gold\": 0}\n"),
            "wrong type for key 'query' (DIR/data.jsonl:1): expected a string, found number 5");
  EXPECT_EQ(load_error(kMc, "{\"query\": \"q\", \"choices\": [\"a\"], \"gold\": \"0\"}\n"),
            "wrong type for key 'gold' (DIR/data.jsonl:1): expected an integer, found string \"0\"");
  EXPECT_NE(load_error(kMc, ok + "{\"query\": \"q\", \"choi\n").find("malformed JSON line (DIR/data.jsonl:2)"),
            std::string::npos);
  EXPECT_EQ(load_error(kMc, ok + "[1, 2]\n"), "line is not a JSON object (DIR/data.jsonl:2): expected an object {...}, found array [1,2]");
  EXPECT_EQ(load_error(kMc, "\n\n"), "empty dataset (DIR/data.jsonl): expected at least one JSON line, found no rows");
}

TEST(JsonlErrors, SchemaGenerationAndCategories) {
  std::string schema = kHead + "  icl_task_type: schema\n  num_fewshot: [0]\n";
  EXPECT_EQ(load_error(schema, "{\"context_options\": [\"a\", \"b\"], \"continuation\": \"c\", \"gold\": -1}\n"),
            "gold index out of range (DIR/data.jsonl:1): expected an index into 'context_options' in [0, 2), found -1");
  std::string qa = kHead + "  icl_task_type: generation_task_with_answers\n  num_fewshot: [0]\n";
  EXPECT_EQ(load_error(qa, "{\"context\": \"q\", \"answer\": \"a\", \"chain_of_thought\": \"c\"}\n"
                           "{\"context\": \"q\", \"answer\": \"a\"}\n"),
            "missing key 'chain_of_thought' (DIR/data.jsonl:2): expected chain_of_thought in every row or in none, "
            "found no such key");
  EXPECT_EQ(load_error(qa, "{\"context\": \"q\", \"answer\": \"a\", \"aliases\": \"b\"}\n"),
            "wrong type for key 'aliases' (DIR/data.jsonl:1): expected a list of strings, found string \"b\"");
  std::string cats = kHead + "  icl_task_type: language_modeling\n  num_fewshot: [0]\n  has_categories: true\n";
  EXPECT_EQ(load_error(cats, "{\"context\": \"a\", \"continuation\": \"b\"}\n"),
            "missing key 'category' (DIR/data.jsonl:1): expected key 'category', found no such key");
}

TEST(GauntletYamlErrors, Messages) {
  ScratchDir dir;
  auto err = [&](const std::string& yaml) -> std::string {
    try {
      load_gauntlet_config(dir.write("g.yaml", yaml));
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  const std::string cats = "  categories:\n  - name: c\n    benchmarks:\n    - name: b\n      num_fewshot: 0\n      random_baseline: 0.5\n";
  EXPECT_NE(err("eval_gauntlet:\n  weighting: MEDIAN\n" + cats).find("unknown weighting"), std::string::npos);
  EXPECT_NE(err("eval_gauntlet:\n  rescale_accuracy: true\n  subtract_random_baseline: false\n" + cats)
                .find("rescale_accuracy without subtract_random_baseline"),
            std::string::npos);
  EXPECT_NE(err("eval_gauntlet:\n  averages:\n    c: [c]\n" + cats).find("average named like a category"), std::string::npos);
  EXPECT_NE(err("eval_gauntlet:\n  categories:\n  - name: c\n    benchmarks:\n    - name: b\n      num_fewshot: 0\n")
                .find("missing key 'random_baseline' (" + dir.path() + "/g.yaml:5, category 'c' benchmarks[0])"),
            std::string::npos);
  EXPECT_NE(err("eval_gauntlet:\n  weigting: EQUAL\n" + cats).find("unknown key 'weigting'"), std::string::npos);
  EXPECT_NE(err("icl_tasks: []\n").find("missing key 'eval_gauntlet'"), std::string::npos);
}

}  // namespace
}  // namespace mpt
