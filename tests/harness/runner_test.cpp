// The runner (harness/eval_runner.h) with scripted models: code tasks end to end through the
// sandbox (canonical solutions pass), the response cache, resume after a failure, and the
// non-writing role of a distributed run.
#include <gtest/gtest.h>

#include <map>

#include "common/error.h"
#include "common/paths.h"
#include "common/score_text.h"
#include "harness/eval_runner.h"
#include "results/store_queries.h"
#include "sandbox/isolation_probe.h"
#include "tasks/code/code_problem.h"
#include "tests/harness/harness_test_support.h"

namespace mpt {
namespace {

using test::neox_tokenizer;

results::RunSpec spec_for(const std::string& model_hash) {
  results::RunSpec s;
  s.model_path = "/models/scripted";
  s.model_hash = model_hash;
  s.tokenizer_hash = "neox";
  s.device = s.device_class = "cpu";
  s.dtype = "float32";
  return s;
}

RunTarget target(results::Store& store, const std::string& model_hash, bool use_cache = true) {
  RunTarget t;
  t.store = &store;
  t.spec = spec_for(model_hash);
  t.use_cache = use_cache;
  return t;
}

RunnerOptions options(int64_t record_batch = 256, bool writes_store = true) {
  RunnerOptions o;
  o.record_batch = record_batch;
  o.writes_store = writes_store;
  o.sandbox.workers = 2;
  return o;
}

std::shared_ptr<const EvalSuite> suite_from(const test::TempDir& dir, const std::string& yaml, int64_t limit) {
  EvalConfig c;
  c.tasks_path = dir.write("tasks.yaml", yaml);
  c.data_root = bundled_path("icl");
  c.limit = limit;
  return std::make_shared<const EvalSuite>(prepare_suite(c, neox_tokenizer()));
}

const char* kIclTasks = R"(icl_tasks:
- label: piqa
  dataset_uri: commonsense_reasoning/piqa.jsonl
  num_fewshot: [0]
  icl_task_type: multiple_choice
- label: lambada
  dataset_uri: language_understanding/lambada_openai.jsonl
  num_fewshot: [0]
  icl_task_type: language_modeling
- label: triviaqa
  dataset_uri: world_knowledge/triviaqa_sm_sub.jsonl
  num_fewshot: [1]
  icl_task_type: generation_task_with_answers
)";

std::map<std::string, double> metrics_of(const RunOutcome& o) {
  std::map<std::string, double> m;
  for (const TaskOutcome& t : o.tasks)
    for (const MetricSummary& s : t.metrics) m[t.label + " " + s.name] = s.mean;
  return m;
}

TEST(EvalRunner, CodeTaskWithCanonicalSolutionsPassesEverything) {
  if (!sandbox::probe_isolation(sandbox::Config{}).isolated) GTEST_SKIP() << "this machine offers no sandbox isolation";
  test::TempDir dir;
  auto suite = suite_from(dir, R"(icl_tasks:
- label: human_eval
  dataset_uri: programming/human_eval.jsonl
  num_fewshot: [0]
  icl_task_type: code_evaluation
  generations_per_sample: 3
  pass_at_k: [1, 2]
)", 6);
  // The model "generates" each problem's canonical solution, stopping where a model would.
  std::map<Tokens, std::string> canonical;
  for (const code::CodeProblem& p : code::load_code_problems(bundled_path("icl/programming/human_eval.jsonl")))
    canonical[neox_tokenizer().encode(p.prompt)] = p.canonical_solution;
  test::FakeLanguageModel model;
  std::set<uint64_t> seeds;
  model.on_generate = [&](const GenerateRequest& r) {
    EXPECT_EQ(r.stop.size(), 64u);  // llm-foundry post-processing: "\n" + [A-Za-z0-9#`]
    EXPECT_EQ(r.sampling.temperature, 0.2);
    seeds.insert(r.sampling.seed);
    std::string text = canonical.at(r.prompt);
    return GenerateResponse{neox_tokenizer().encode(text), text, FinishReason::Eos};
  };
  results::Store store = results::Store::open(dir.file("r.db"));
  EvalRunner runner(suite, options());
  RunOutcome out = runner.run(model, target(store, "canonical"));
  ASSERT_EQ(out.tasks.size(), 1u);
  const TaskOutcome& t = out.tasks[0];
  EXPECT_EQ(t.primary_metric, "pass@1");
  EXPECT_EQ(t.evaluated, 6);
  ASSERT_EQ(t.metrics.size(), 2u);
  EXPECT_EQ(t.metrics[0].name, "pass@1");
  EXPECT_EQ(t.metrics[0].mean, 1.0);
  EXPECT_EQ(t.metrics[1].name, "pass@2");
  EXPECT_EQ(t.metrics[1].mean, 1.0);
  EXPECT_EQ(t.verdicts.at("passed"), 18);
  EXPECT_EQ(seeds.size(), 18u);  // every sample has its own seed
  EXPECT_FALSE(out.isolation.empty());
  EXPECT_EQ(model.generate_calls, 1);
  EXPECT_EQ(model.loglikelihood_calls, 1);  // made even though there is nothing to score
  std::vector<results::TaskInfo> tasks = results::load_tasks(store, out.run_id);
  std::vector<results::CodeSampleRecord> samples = results::load_code_samples(store, tasks.at(0).id);
  ASSERT_EQ(samples.size(), 18u);
  for (const auto& s : samples) {
    EXPECT_EQ(s.verdict, "passed") << s.problem_id << " " << s.detail;
    EXPECT_EQ(s.isolation, out.isolation);
  }
  EXPECT_EQ(results::get_run(store, out.run_id).status, results::RunStatus::Completed);
}

TEST(EvalRunner, AnIdenticalSecondRunIsAnsweredByTheCache) {
  test::TempDir dir;
  auto suite = suite_from(dir, kIclTasks, 5);
  results::Store store = results::Store::open(dir.file("r.db"));
  EvalRunner runner(suite);
  test::FakeLanguageModel first, second, uncached;
  RunOutcome a = runner.run(first, target(store, "m1"));
  EXPECT_GT(first.loglikelihood_requests, 0);
  EXPECT_EQ(first.generate_requests, 5);
  RunOutcome b = runner.run(second, target(store, "m1"));
  EXPECT_NE(a.run_id, b.run_id);  // the first run was complete: a new run
  EXPECT_EQ(second.loglikelihood_requests + second.generate_requests, 0);
  EXPECT_EQ(second.loglikelihood_calls, 1);  // the calls are still made (a distributed model relies on them)
  EXPECT_EQ(b.counters.computed(), 0);
  EXPECT_EQ(b.counters.loglikelihood_cached, a.counters.loglikelihood_requests);
  EXPECT_EQ(metrics_of(a), metrics_of(b));
  RunOutcome c = runner.run(uncached, target(store, "m1", false));
  EXPECT_EQ(uncached.loglikelihood_requests, first.loglikelihood_requests);
  EXPECT_EQ(c.counters.loglikelihood_cached + c.counters.generate_cached, 0);
  EXPECT_EQ(metrics_of(a), metrics_of(c));
  // Another model never sees these entries.
  test::FakeLanguageModel other;
  runner.run(other, target(store, "m2"));
  EXPECT_EQ(other.loglikelihood_requests, first.loglikelihood_requests);
}

// Every task's scores are shown once, as soon as its last example is stored, with the values the
// final table gets; a resumed run shows only the tasks it completes.
TEST(EvalRunner, EachTaskShowsItsScoresWhenItsLastExampleIsStored) {
  test::TempDir dir;
  auto suite = suite_from(dir, kIclTasks, 4);
  results::Store store = results::Store::open(dir.file("r.db"));
  EvalRunner runner(suite, options());
  test::FakeLanguageModel model;
  testing::internal::CaptureStderr();
  RunOutcome out = runner.run(model, target(store, "m", false));
  const std::string log = testing::internal::GetCapturedStderr();
  ASSERT_EQ(out.tasks.size(), 3u);
  for (const TaskOutcome& t : out.tasks) {
    const std::string prefix = "[mpt-eval] " + t.label + " done: ";
    size_t at = log.find(prefix);
    ASSERT_NE(at, std::string::npos) << t.label << " in:\n" << log;
    EXPECT_EQ(log.find(prefix, at + 1), std::string::npos) << t.label << " shown twice";
    const MetricSummary& primary = t.metrics.front();
    const std::string expected = primary.name + " " + format_score(primary.mean, primary.stderr_mean);
    EXPECT_EQ(log.compare(at + prefix.size(), expected.size(), expected), 0)
        << log.substr(at, 120) << " vs " << expected;
    EXPECT_NE(log.find("(percent, 4 example(s))", at), std::string::npos);
  }
  // The generation task (triviaqa) completes after the log-likelihood tasks have been shown.
  EXPECT_LT(log.find("piqa/0-shot done"), log.find("triviaqa/1-shot done"));

  // A run that fails part way shows the tasks it completed; resuming it shows the others.
  results::Store partial = results::Store::open(dir.file("partial.db"));
  EvalRunner committing(suite, options(1));
  test::FakeLanguageModel failing;
  int answered = 0;
  failing.on_loglikelihood = [&](const LoglikelihoodRequest& r) {
    if (++answered > 10) throw runtime_error("simulated model failure");  // piqa's 8 requests come first
    return test::pseudo_loglikelihood(r);
  };
  testing::internal::CaptureStderr();
  EXPECT_THROW(committing.run(failing, target(partial, "m", false)), Error);
  const std::string first = testing::internal::GetCapturedStderr();
  test::FakeLanguageModel rest;
  testing::internal::CaptureStderr();
  committing.run(rest, target(partial, "m", false));
  const std::string second = testing::internal::GetCapturedStderr();
  EXPECT_NE(first.find("piqa/0-shot done: "), std::string::npos) << first;
  for (const TaskOutcome& t : out.tasks) {
    const std::string line = t.label + " done: ";
    EXPECT_NE(first.find(line) == std::string::npos, second.find(line) == std::string::npos)
        << t.label << " must be shown by exactly one of the two runs";
  }
}

TEST(EvalRunner, AFailedRunResumesWithWhatIsMissing) {
  test::TempDir dir;
  auto suite = suite_from(dir, kIclTasks, 8);
  results::Store store = results::Store::open(dir.file("r.db"));
  // Commit every row as it comes, so that the failure leaves a partial run.
  EvalRunner runner(suite, options(1));
  test::FakeLanguageModel failing;
  int answered = 0;
  failing.on_loglikelihood = [&](const LoglikelihoodRequest& r) {
    if (++answered > 20) throw runtime_error("simulated model failure");
    return test::pseudo_loglikelihood(r);
  };
  EXPECT_THROW(runner.run(failing, target(store, "m", false)), Error);
  std::vector<results::RunInfo> runs = results::list_runs(store, results::RunSelection{{1}, {}});
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].status, results::RunStatus::Failed);
  EXPECT_NE(runs[0].failure.find("simulated model failure"), std::string::npos);

  test::FakeLanguageModel rest;
  RunOutcome resumed = runner.run(rest, target(store, "m", false));
  EXPECT_TRUE(resumed.resumed);
  EXPECT_EQ(resumed.run_id, 1);
  int64_t before = 0;
  for (const TaskOutcome& t : resumed.tasks) before += t.stored_before;
  EXPECT_GT(before, 0);
  test::FakeLanguageModel clean;
  results::Store other = results::Store::open(dir.file("clean.db"));
  RunOutcome reference = runner.run(clean, target(other, "m", false));
  EXPECT_LT(rest.loglikelihood_requests, clean.loglikelihood_requests);  // only what was missing
  EXPECT_EQ(metrics_of(resumed), metrics_of(reference));
  for (const results::TaskInfo& t : results::load_tasks(store, 1)) EXPECT_EQ(t.stored_examples, 8) << t.spec.label;
}

TEST(EvalRunner, ANonWritingProcessMakesTheSameTwoCallsAndTouchesNoStore) {
  test::TempDir dir;
  auto suite = suite_from(dir, kIclTasks, 3);
  EvalRunner follower(suite, options(256, false));
  test::FakeLanguageModel model;
  RunOutcome out = follower.run(model, {});
  EXPECT_FALSE(out.wrote);
  EXPECT_EQ(model.loglikelihood_calls, 1);
  EXPECT_EQ(model.generate_calls, 1);
  EXPECT_EQ(model.loglikelihood_requests, suite->loglikelihood_requests());
  EXPECT_EQ(model.generate_requests, suite->generate_requests());
  EXPECT_TRUE(out.tasks.empty());
}

TEST(EvalRunner, AWritingRunNeedsAStore) {
  test::TempDir dir;
  EvalRunner runner(suite_from(dir, kIclTasks, 1));
  test::FakeLanguageModel model;
  try {
    runner.run(model, {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_NE(std::string(e.what()).find("no results store"), std::string::npos);
  }
}

}  // namespace
}  // namespace mpt
