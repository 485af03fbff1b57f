// lm-eval output pieces: Python's number and name formats, lm-eval's file and task names, rows
// stored before prompts were kept, and rows the export cannot read. The files end to end (with
// lm-eval's schema and files lm-eval wrote) are checked by lm_eval_files_test.py.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/error.h"
#include "common/jsonl.h"
#include "reports/lm_eval_export.h"
#include "reports/lm_eval_samples.h"
#include "reports/python_text.h"
#include "tests/results/run_builder.h"

using namespace mpt;
using namespace mpt::reports;

namespace {

// Expected strings are CPython 3.11's repr() of the same doubles.
TEST(LmEvalText, FloatsFormatLikePythonStr) {
  const std::vector<std::pair<double, std::string>> cases = {
      {-10.0, "-10.0"},          {0.1, "0.1"},
      {1e-05, "1e-05"},          {1e16, "1e+16"},
      {1e15, "1000000000000000.0"}, {123456789012345678.0, "1.2345678901234568e+17"},
      {-32.61971569061279, "-32.61971569061279"}, {0.0001, "0.0001"},
      {0.00012345, "0.00012345"}, {2.5e-300, "2.5e-300"},
      {1.7976931348623157e308, "1.7976931348623157e+308"}, {5e-324, "5e-324"},
      {-0.0, "-0.0"},            {100.0, "100.0"},
      {1.5, "1.5"}};
  for (const auto& [value, text] : cases) EXPECT_EQ(python_float_str(value), text) << text;
  EXPECT_EQ(python_float_str(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(python_float_str(std::nan("")), "nan");
}

TEST(LmEvalText, JsonIndentAndHashMatchPython) {
  // json.dumps({"a": ["x", "é\n"], "b": {}}, indent=2, ensure_ascii=False) and its sha256 (CPython).
  nlohmann::ordered_json doc = {{"a", {"x", "\xc3\xa9\n"}}, {"b", nlohmann::ordered_json::object()}};
  EXPECT_EQ(python_json_indent2(doc), "{\n  \"a\": [\n    \"x\",\n    \"\xc3\xa9\\n\"\n  ],\n  \"b\": {}\n}");
  // json.dumps({"a": [1, 0.5, 1e-05, None, True], "b": "é\t"}, ensure_ascii=False)
  nlohmann::ordered_json line = {{"a", {1, 0.5, 1e-05, nullptr, true}}, {"b", "\xc3\xa9\t"}};
  EXPECT_EQ(python_json_line(line), "{\"a\": [1, 0.5, 1e-05, null, true], \"b\": \"\xc3\xa9\\t\"}");
  // json.dumps({"x": [[], {}, 2.5e-300], "y": {"z": -0.0}}, indent=2)
  nlohmann::ordered_json nested = {{"x", {nlohmann::ordered_json::array(), nlohmann::ordered_json::object(), 2.5e-300}},
                                   {"y", {{"z", -0.0}}}};
  EXPECT_EQ(python_json_indent2(nested),
            "{\n  \"x\": [\n    [],\n    {},\n    2.5e-300\n  ],\n  \"y\": {\n    \"z\": -0.0\n  }\n}");
  EXPECT_EQ(hash_string("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(LmEvalNames, ModelDateAndTaskNamesFollowLmEval) {
  EXPECT_EQ(sanitize_model_name("/tmp/a b/[x]:y"), "__tmp__a b__x__y");  // re.sub in lm_eval.utils
  EXPECT_EQ(lm_eval_date_id("2026-11-26T16:20:00.123Z"), "2026-11-26T16-20-00.123000");
  EXPECT_EQ(lm_eval_date_id("2026-11-26T16:20:00Z"), "2026-11-26T16-20-00");
  EXPECT_EQ(lm_eval_task_names({"piqa/0-shot", "jeopardy/3-shot/science", "arc easy/0-shot"}),
            (std::vector<std::string>{"piqa", "jeopardy_science", "arc_easy"}));
  // Two shot counts of one task keep their shots, so every name is unique.
  EXPECT_EQ(lm_eval_task_names({"mmlu/0-shot", "mmlu/5-shot", "piqa/0-shot"}),
            (std::vector<std::string>{"mmlu_0-shot", "mmlu_5-shot", "piqa"}));
  EXPECT_THROW(lm_eval_task_names({"a b/0-shot", "a_b/0-shot", "a b/1-shot", "a_b/1-shot"}), Error);
}

TEST(LmEvalNames, MetricsAndOutputTypes) {
  EXPECT_EQ(lm_eval_metric_name("generation_task_with_answers", "accuracy"), "exact_match");
  EXPECT_EQ(lm_eval_metric_name("multiple_choice", "accuracy"), "accuracy");
  EXPECT_EQ(lm_eval_metric_name("multiple_choice", "acc_norm"), "acc_norm");
  EXPECT_EQ(lm_eval_output_type("language_modeling"), "loglikelihood");
  EXPECT_EQ(lm_eval_output_type("schema"), "multiple_choice");
  EXPECT_EQ(lm_eval_output_type("code_evaluation"), "generate_until");
}

results::TaskInfo mc_task() {
  results::TaskInfo t;
  t.spec.label = "piqa/0-shot";
  t.spec.type = "multiple_choice";
  t.spec.num_examples = 2;
  return t;
}

// A multiple-choice row as mpt-eval stored it before docs, prompts and greedy flags were kept.
TEST(LmEvalSamples, RowsWithoutPromptsGiveSamplesWithoutHashes) {
  results::ExampleRecord row{0, "h", 1.0,
                             {{"gold", 1}, {"predicted", 1}, {"logprobs", {-2.5, -1.0}}, {"num_tokens", {2, 2}}, {"row", 7}},
                             {{"accuracy", 1.0}, {"acc", 1.0}, {"acc_norm", 0.0}}};
  SampleRecords s = sample_records(mc_task(), {row}, {});
  ASSERT_EQ(s.lines.size(), 1u);
  const nlohmann::ordered_json& line = s.lines[0];
  EXPECT_EQ(line["doc"], nlohmann::ordered_json({{"row", 7}}));
  EXPECT_EQ(line["target"], "1");
  EXPECT_EQ(line["arguments"], nlohmann::ordered_json::object());
  EXPECT_EQ(line["filtered_resps"].dump(), R"([["-2.5","None"],["-1.0","None"]])");
  EXPECT_EQ(line["metrics"].dump(), R"(["acc","acc_norm","accuracy"])");
  EXPECT_FALSE(line.contains("doc_hash"));
  EXPECT_TRUE(s.task_hash.empty());
}

TEST(LmEvalSamples, RowsWithPromptsGiveLmEvalArgumentsAndHashes) {
  results::ExampleRecord row{0, "h", 1.0,
                             {{"gold", 0},
                              {"logprobs", {-1.0, -3.0}},
                              {"greedy", {true, false}},
                              {"doc", {{"query", "Q"}, {"choices", {"a", "b"}}, {"gold", 0}}},
                              {"prompt", {{"preamble", "P\n"}, {"contexts", {"Q"}}, {"continuations", {" a", " b"}}}}},
                             {{"acc", 1.0}}};
  SampleRecords s = sample_records(mc_task(), {row}, {});
  const nlohmann::ordered_json& line = s.lines[0];
  EXPECT_EQ(line["arguments"].dump(),
            R"({"gen_args_0":{"arg_0":"P\nQ","arg_1":" a"},"gen_args_1":{"arg_0":"P\nQ","arg_1":" b"}})");
  EXPECT_EQ(line["resps"].dump(), R"([[["-1.0","True"]],[["-3.0","False"]]])");
  EXPECT_EQ(line["prompt_hash"], hash_string("P\nQ"));
  EXPECT_EQ(line["target_hash"], hash_string("0"));
  // The doc is written with its keys in stored (sorted) order, and hashed as written.
  EXPECT_EQ(line["doc_hash"], hash_string(python_json_indent2(line["doc"])));
  EXPECT_EQ(s.task_hash, hash_string(line["doc_hash"].get<std::string>() + line["prompt_hash"].get<std::string>() +
                                     line["target_hash"].get<std::string>()));
}

TEST(LmEvalSamples, AStoredRowMissingAFieldIsARuntimeErrorNamingTheExample) {
  results::ExampleRecord row{3, "h", 1.0, {{"answer", "right"}}, {{"accuracy", 1.0}}};
  try {
    sample_records(mc_task(), {row}, {});
    FAIL() << "accepted a row without gold";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Runtime);
    EXPECT_NE(std::string(e.what()).find("stored example lacks 'gold' (task piqa/0-shot, example 3)"), std::string::npos)
        << e.what();
  }
}

// A code problem: its completions are the responses, pass@k its metrics, no prompt is stored.
TEST(LmEvalSamples, CodeProblemsListTheirCompletions) {
  results::TaskInfo task;
  task.spec.label = "human_eval/0-shot";
  task.spec.type = "code_evaluation";
  results::ExampleRecord row{0, "h", 0.5,
                             {{"task_id", "HumanEval/0"}, {"samples", 2}, {"passed", 1}, {"verdicts", {"passed", "failed"}}},
                             {{"pass@1", 0.5}, {"pass@2", 1.0}}};
  std::vector<results::CodeSampleRecord> code = {{0, 0, "HumanEval/0", "return 1", "passed", 1.0, "none", ""},
                                                 {0, 1, "HumanEval/0", "return 2", "failed", 1.0, "none", ""}};
  SampleRecords s = sample_records(task, {row}, code);
  const nlohmann::ordered_json& line = s.lines[0];
  EXPECT_EQ(line["doc"].dump(), R"({"task_id":"HumanEval/0"})");
  EXPECT_EQ(line["resps"].dump(), R"([["return 1","return 2"]])");
  EXPECT_EQ(line["metrics"].dump(), R"(["pass@1","pass@2"])");
  EXPECT_EQ(line["pass@2"], 1.0);
  EXPECT_TRUE(s.task_hash.empty());
}

TEST(LmEvalExport, AFailedRenderWritesNothingAndUnknownRunsAreInputErrors) {
  const std::string dir = test::temp_dir("lm-eval");
  results::Store store = results::Store::open(dir + "/r.db");
  // Constructed rows lack the fields a multiple-choice export needs.
  int64_t id = test::add_run(store, {"broken", std::nullopt, "m", {{"piqa/0-shot", test::scores_with(4, 2)}}, {}, true});
  EXPECT_THROW(write_lm_eval(store, {id}, dir + "/out"), Error);
  EXPECT_FALSE(std::filesystem::exists(dir + "/out"));
  try {
    render_lm_eval(store, 99);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input) << e.what();
  }
  write_file_atomic(dir + "/file", "x");
  EXPECT_THROW(check_lm_eval_dir(dir + "/file", "--out"), Error);
  EXPECT_THROW(check_lm_eval_dir(dir + "/no/such", "--out"), Error);
  EXPECT_NO_THROW(check_lm_eval_dir(dir + "/new", "--out"));
}

}  // namespace
