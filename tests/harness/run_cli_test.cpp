// `mpt-eval run` end to end on the tiny random MPT with the real vocabulary: the default ICL
// tasks, LLM Foundry's whole tasks_v0.3.yaml with its gauntlet, HumanEval through the sandbox,
// the response cache, and malformed inputs.
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "common/jsonl.h"
#include "common/paths.h"
#include "results/store.h"
#include "results/store_queries.h"
#include "sandbox/isolation_probe.h"
#include "tasks/code/code_problem.h"
#include "tests/cli/run_command.h"
#include "tests/harness/harness_test_support.h"

namespace mpt {
namespace {

using nlohmann::json;
using test::run_mpt_eval;

const std::vector<std::string> kDefaultIcl = {"lambada_openai", "piqa",       "hellaswag", "arc_easy", "arc_challenge",
                                              "winograd",       "winogrande", "copa",      "boolq",    "triviaqa_sm_sub"};

std::vector<std::string> run_args(const std::string& model, const std::string& db, std::vector<std::string> extra) {
  std::vector<std::string> a = {"run", "--model", model, "--db", db};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

json outcome(const std::string& path) { return json::parse(read_file(path)); }

// task label + metric name -> value, from --out.
std::map<std::string, double> metric_values(const json& out) {
  std::map<std::string, double> m;
  for (const json& t : out["tasks"])
    for (const json& x : t["metrics"]) m[t["label"].get<std::string>() + " " + x["name"].get<std::string>()] = x["value"];
  return m;
}

TEST(RunCommand, DefaultIclTasksEndToEnd) {
  test::TempDir dir;
  std::vector<std::string> extra = {"--limit", "4", "--out", dir.file("out.json")};
  for (const std::string& t : kDefaultIcl) extra.insert(extra.end(), {"--task", t});
  auto start = std::chrono::steady_clock::now();
  auto r = run_mpt_eval(run_args(test::tiny_neox_checkpoint(), dir.file("r.db"), extra));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::printf("%s(mpt-eval run took %.1f s)\n", r.out.c_str(), seconds);
  json out = outcome(dir.file("out.json"));
  EXPECT_EQ(out["format"], "mpt-eval-run");
  ASSERT_EQ(out["tasks"].size(), 12u);  // hellaswag and arc_challenge have two shot counts each
  for (const json& t : out["tasks"]) {
    EXPECT_EQ(t["selected"], 4) << t["label"];
    EXPECT_EQ(t["evaluated"], 4) << t["label"];
    ASSERT_FALSE(t["metrics"].empty()) << t["label"];
    EXPECT_EQ(t["metrics"][0]["name"], "accuracy");
    EXPECT_EQ(t["metrics"][0]["count"], 4);
    EXPECT_NE(r.out.find(t["label"].get<std::string>()), std::string::npos);
  }
  EXPECT_NE(r.out.find("± "), std::string::npos);
  EXPECT_NE(r.out.find("run 1 in " + dir.file("r.db")), std::string::npos);
  // The store holds the run: report reads it back.
  auto report = run_mpt_eval({"report", "--db", dir.file("r.db"), "--format", "md"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find("piqa/0-shot"), std::string::npos);
}

TEST(RunCommand, LlmFoundryTasksV03WithItsGauntlet) {
  test::TempDir dir;
  auto r = run_mpt_eval(run_args(test::tiny_neox_checkpoint(), dir.file("r.db"),
                                 {"--tasks", bundled_path("icl/yamls/tasks_v0.3.yaml"), "--gauntlet",
                                  bundled_path("icl/yamls/eval_gauntlet_v0.3.yaml"), "--limit", "2", "--out",
                                  dir.file("out.json")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::printf("%s", r.out.c_str());
  json out = outcome(dir.file("out.json"));
  std::set<std::string> missing;
  for (const json& m : out["missing"]) missing.insert(m["label"]);
  for (const char* absent : {"mmlu/5-shot", "squad/3-shot", "coqa/0-shot", "gsm8k/0-shot"})
    EXPECT_TRUE(missing.count(absent)) << absent;
  std::set<std::string> evaluated;
  for (const json& t : out["tasks"]) evaluated.insert(t["label"]);
  for (const char* present : {"jeopardy/3-shot/science", "arc_challenge/25-shot", "svamp/5-shot", "lambada_openai/0-shot"})
    EXPECT_TRUE(evaluated.count(present)) << present;
  EXPECT_NE(r.out.find("missing (not evaluated): mmlu/5-shot"), std::string::npos);
  std::map<std::string, json> cats;
  for (const json& c : out["gauntlet"]["categories"]) cats[c["name"]] = c;
  ASSERT_TRUE(cats.count("world_knowledge"));
  EXPECT_TRUE(cats["world_knowledge"]["score"].is_null());  // partial: never a silent average
  EXPECT_TRUE(cats["world_knowledge"]["partial_score"].is_number());
  EXPECT_NE(cats["world_knowledge"]["missing"].dump().find("mmlu/5-shot"), std::string::npos);
  EXPECT_TRUE(cats["language_understanding"]["score"].is_number());  // all four bundled
  // The store marks partial categories.
  results::Store store = results::Store::open(dir.file("r.db"));
  for (const results::GauntletRecord& g : results::load_gauntlet(store, out["run_id"]))
    if (g.category == "world_knowledge") {
      EXPECT_TRUE(g.partial);
    }
}

TEST(RunCommand, HumanEvalRunsInTheSandboxAndRecordsVerdicts) {
  if (!sandbox::probe_isolation(sandbox::Config{}).isolated) GTEST_SKIP() << "this machine offers no sandbox isolation";
  test::TempDir dir;
  std::string yaml = dir.write("code.yaml", R"(icl_tasks:
- label: human_eval
  dataset_uri: programming/human_eval.jsonl
  num_fewshot: [0]
  icl_task_type: code_evaluation
  generations_per_sample: 3
  pass_at_k: [1, 2]
  generation_kwargs: {max_new_tokens: 24}
)");
  auto r = run_mpt_eval(run_args(test::tiny_neox_checkpoint(), dir.file("r.db"),
                                 {"--tasks", yaml, "--limit", "2", "--workers", "2", "--out", dir.file("out.json")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::printf("%s", r.out.c_str());
  json out = outcome(dir.file("out.json"));
  const json& t = out["tasks"][0];
  EXPECT_EQ(t["primary_metric"], "pass@1");
  EXPECT_EQ(t["metrics"][0]["name"], "pass@1");
  EXPECT_EQ(t["metrics"][1]["name"], "pass@2");
  int64_t verdicts = 0;
  for (const auto& [name, n] : t["verdicts"].items()) verdicts += n.get<int64_t>();
  EXPECT_EQ(verdicts, 6);
  EXPECT_NE(out["isolation"].get<std::string>().find("isolated"), std::string::npos);
  results::Store store = results::Store::open(dir.file("r.db"));
  std::vector<results::TaskInfo> tasks = results::load_tasks(store, out["run_id"]);
  std::vector<results::CodeSampleRecord> samples = results::load_code_samples(store, tasks.at(0).id);
  ASSERT_EQ(samples.size(), 6u);
  // Problems in file order (LLM Foundry's file starts with HumanEval/1, then HumanEval/0).
  std::vector<code::CodeProblem> problems = code::load_code_problems(bundled_path("icl/programming/human_eval.jsonl"));
  for (const results::CodeSampleRecord& s : samples) {
    EXPECT_FALSE(s.verdict.empty());
    EXPECT_EQ(s.isolation, out["isolation"]);
    EXPECT_EQ(s.problem_id, problems.at(static_cast<size_t>(s.example_index)).task_id);
  }
}

// C++ and JavaScript code tasks (configs/code_tasks.yaml's human_eval_cpp / human_eval_js): their
// programs are built and run by the sandbox's recipes, every sample gets a verdict, and they score
// in configs/code_gauntlet.yaml's programming category (partial: the Python tasks are not run).
TEST(RunCommand, CppAndJavaScriptCodeTasksRunInTheSandbox) {
  if (!sandbox::probe_isolation(sandbox::Config{}).isolated) GTEST_SKIP() << "this machine offers no sandbox isolation";
  test::TempDir dir;
  std::string yaml = dir.write("code.yaml", R"(icl_tasks:
- label: human_eval_cpp
  dataset_uri: programming/processed_human_eval_cpp.jsonl
  num_fewshot: [0]
  icl_task_type: code_evaluation
  generations_per_sample: 2
  pass_at_k: [1]
  generation_kwargs: {max_new_tokens: 16}
- label: human_eval_js
  dataset_uri: programming/processed_human_eval_js.jsonl
  num_fewshot: [0]
  icl_task_type: code_evaluation
  generations_per_sample: 2
  pass_at_k: [1]
  generation_kwargs: {max_new_tokens: 16}
)");
  // The pool prepares the C++ toolchain once, as score-samples does: its precompiled header is
  // built in the cache directory (MPT_EVAL_CACHE; not under /tmp, which the sandbox hides), where
  // nothing appears when the pool does not prepare the suite's languages.
  const std::filesystem::path cache = "/var/tmp/mpt-run-cache-" + std::to_string(getpid());
  std::filesystem::remove_all(cache);
  setenv("MPT_EVAL_CACHE", cache.c_str(), 1);
  auto r = run_mpt_eval(run_args(test::tiny_neox_checkpoint(), dir.file("r.db"),
                                 {"--tasks", yaml, "--limit", "2", "--workers", "2", "--out", dir.file("out.json"),
                                  "--gauntlet", source_dir() + "/configs/code_gauntlet.yaml"}));
  unsetenv("MPT_EVAL_CACHE");
  size_t pch_files = 0;
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(cache, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".gch") ++pch_files;
  std::filesystem::remove_all(cache);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(pch_files, 0u) << "no precompiled header under " << cache;
  json out = outcome(dir.file("out.json"));
  ASSERT_EQ(out["tasks"].size(), 2u);
  const json& programming = out["gauntlet"]["categories"].at(0);
  EXPECT_EQ(programming["name"], "programming");
  std::vector<std::string> scored;
  for (const json& b : programming["benchmarks"])
    if (!b["score"].is_null()) scored.push_back(b["key"]);
  EXPECT_EQ(scored, (std::vector<std::string>{"human_eval_cpp/0-shot", "human_eval_js/0-shot"})) << programming.dump();
  EXPECT_EQ(programming["missing"].size(), 6u);
  EXPECT_TRUE(programming["score"].is_null());  // partial: only partial_score
  EXPECT_EQ(programming["partial_score"], 0.0);
  for (const json& t : out["tasks"]) {
    int64_t verdicts = 0;
    for (const auto& [name, n] : t["verdicts"].items()) {
      EXPECT_NE(name, "infrastructure_error");
      verdicts += n.get<int64_t>();
    }
    EXPECT_EQ(verdicts, 4) << t.dump();
  }
}

TEST(RunCommand, TheResponseCacheServesIdenticalRunsAndOnlyTheSameCheckpoint) {
  test::TempDir dir;
  const std::string model = dir.path() + "/model";
  std::filesystem::copy(test::tiny_neox_checkpoint(0), model);
  const std::string db = dir.file("r.db");
  auto run = [&](const std::string& out, std::vector<std::string> extra = {}) {
    std::vector<std::string> a = {"--task", "copa", "--task", "triviaqa_sm_sub", "--limit", "3", "--out", out};
    a.insert(a.end(), extra.begin(), extra.end());
    auto r = run_mpt_eval(run_args(model, db, a));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return std::make_pair(outcome(out), r.err);
  };
  auto [first, first_err] = run(dir.file("1.json"));
  EXPECT_GT(first["requests"]["computed"], 0);
  EXPECT_EQ(first["requests"]["loglikelihood_cached"], 0);
  auto [second, second_err] = run(dir.file("2.json"));
  EXPECT_EQ(second["requests"]["computed"], 0);  // nothing reached the model
  EXPECT_EQ(second["requests"]["loglikelihood_cached"], first["requests"]["loglikelihood"]);
  EXPECT_EQ(second["requests"]["generate_cached"], first["requests"]["generate"]);
  EXPECT_NE(second_err.find("response cache: 9 of 9 requests answered without the model"), std::string::npos) << second_err;
  EXPECT_EQ(metric_values(second), metric_values(first));
  EXPECT_NE(second["run_id"], first["run_id"]);
  auto [uncached, uncached_err] = run(dir.file("3.json"), {"--no-cache"});
  EXPECT_EQ(uncached["requests"]["computed"], first["requests"]["computed"]);
  EXPECT_EQ(metric_values(uncached), metric_values(first));
  // Another checkpoint written to the same directory: its content hash differs, so no entry of
  // the first one may answer it.
  for (const auto& f : std::filesystem::directory_iterator(test::tiny_neox_checkpoint(1)))
    std::filesystem::copy_file(f.path(), model + "/" + f.path().filename().string(),
                               std::filesystem::copy_options::overwrite_existing);
  auto [other, other_err] = run(dir.file("4.json"));
  EXPECT_EQ(other["requests"]["computed"], first["requests"]["computed"]);
  EXPECT_EQ(other["requests"]["loglikelihood_cached"], 0);
  EXPECT_EQ(other["requests"]["generate_cached"], 0);
}

TEST(RunCommand, MalformedInputsExitTwoAndLeaveNoRunRunning) {
  test::TempDir dir;
  const std::string model = test::tiny_neox_checkpoint(), db = dir.file("r.db");
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> messages;
  };
  std::string bad_yaml = dir.write("bad.yaml", "icl_tasks:\n- label: [unclosed\n  num_fewshot: [0]\n");
  std::string missing = dir.write("missing.yaml", R"(icl_tasks:
- label: nowhere
  dataset_uri: nowhere/missing_file.jsonl
  num_fewshot: [0]
  icl_task_type: multiple_choice
)");
  dir.write("data/broken.jsonl", "{\"query\": \"q\", \"choices\": [\"a\", \"b\"], \"gold\": 0}\n{not json\n");
  std::string broken = dir.write("broken.yaml", R"(icl_tasks:
- label: broken
  dataset_uri: broken.jsonl
  num_fewshot: [0]
  icl_task_type: multiple_choice
)");
  std::string gold = dir.write("gold.yaml", R"(icl_tasks:
- label: gold
  dataset_uri: gold.jsonl
  num_fewshot: [0]
  icl_task_type: multiple_choice
)");
  dir.write("data/gold.jsonl", "{\"query\": \"q\", \"choices\": [\"a\", \"b\"], \"gold\": 5}\n");
  const std::vector<Case> cases = {
      {{"--tasks", bad_yaml}, {bad_yaml}},
      {{"--tasks", missing}, {"no data for any selected task", "nowhere/missing_file.jsonl"}},
      {{"--task", "no_such_task"}, {"no task matches 'no_such_task'", "piqa", "human_eval"}},
      {{"--tasks", broken, "--data-root", dir.file("data")}, {dir.file("data/broken.jsonl") + ":2"}},
      {{"--tasks", gold, "--data-root", dir.file("data")}, {dir.file("data/gold.jsonl") + ":1", "gold"}},
      {{"--task", "copa", "--limit", "1", "--mode", "fastest"}, {"invalid --mode"}},
  };
  for (const Case& c : cases) {
    auto r = run_mpt_eval(run_args(model, db, c.args));
    EXPECT_EQ(r.exit_code, 2) << c.args[1] << "\n" << r.err;
    for (const std::string& m : c.messages) EXPECT_NE(r.err.find(m), std::string::npos) << m << "\n" << r.err;
  }
  // --resume of a run whose configuration differs says which hashes differ.
  {
    results::Store store = results::Store::open(db);
    results::RunSpec other;
    other.model_hash = "0000";
    other.tokenizer_hash = "1111";
    other.device = other.device_class = "cpu";
    other.dtype = "float32";
    int64_t id = store.create_run(other).run_id;
    store.fail_run(id, "interrupted");
    auto r = run_mpt_eval(run_args(model, db, {"--task", "copa", "--limit", "1", "--resume", std::to_string(id)}));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("resume does not match the stored run"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("different model hash"), std::string::npos) << r.err;
  }
  results::Store store = results::Store::open(db);
  int64_t running = 0;
  {
    results::Statement st = store.db().prepare("SELECT count(*) FROM runs WHERE status = 'running'");
    ASSERT_TRUE(st.step());
    running = st.get_int(0);
  }
  EXPECT_EQ(running, 0);
}

}  // namespace
}  // namespace mpt
