// The store's runner API: run lifecycle and resume lookup, tasks, idempotent rows, metrics.
#include <gtest/gtest.h>

#include "common/error.h"
#include "results/process_owner.h"
#include "results/run_snapshot.h"
#include "results/store.h"
#include "results/store_queries.h"
#include "tests/results/run_builder.h"

using namespace mpt;
using namespace mpt::results;

namespace {

// Pretends the run's writer died (a pid above any pid_max, so no such process exists).
void orphan(Store& store, int64_t run_id) {
  store.db().exec("UPDATE runs SET owner_pid = 2147483000 WHERE id = " + std::to_string(run_id));
}

TaskSpec task(const std::string& label, int64_t n) {
  return {label, "multiple_choice", "accuracy", "dh-" + label, {{"num_fewshot", 0}}, n};
}

ExampleRecord example(int64_t i, double score) { return {i, "p" + std::to_string(i), score, {{"i", i}}, {{"acc", score}}}; }

class StoreTest : public ::testing::Test {
 protected:
  Store store = Store::open(test::temp_dir("store") + "/s.db");
};

}  // namespace

TEST_F(StoreTest, StartRunRecordsTheSpecAndBuildFacts) {
  RunSpec spec = test::make_spec("m", "mh", 1200);
  spec.world_size = 4;
  spec.gauntlet_config = "categories: []";
  RunStart r = store.start_run(spec);
  EXPECT_FALSE(r.resumed);
  RunInfo info = get_run(store, r.run_id);
  EXPECT_EQ(info.status, RunStatus::Running);
  EXPECT_EQ(info.spec.world_size, 4);
  EXPECT_EQ(info.spec.training_step, 1200);
  EXPECT_EQ(info.identity_hash, run_identity_hash(spec));
  EXPECT_EQ(info.task_config_hash.size(), 64u);
  EXPECT_EQ(info.gauntlet_config_hash.size(), 64u);
  EXPECT_FALSE(info.harness_version.empty());
  EXPECT_FALSE(info.git_revision.empty());
  EXPECT_FALSE(info.started_at.empty());
  EXPECT_FALSE(info.ended_at);
  store.finish_run(r.run_id);
  info = get_run(store, r.run_id);
  EXPECT_EQ(info.status, RunStatus::Completed);
  EXPECT_TRUE(info.ended_at);
}

TEST_F(StoreTest, IdentityIgnoresWorldSizeLabelAndDeviceIndexButNotDtypeOrModel) {
  RunSpec a = test::make_spec("a", "mh");
  RunSpec b = a;
  b.world_size = 8;
  b.label = "other";
  b.device = "cuda:3";  // the device class is what counts
  EXPECT_EQ(run_identity_hash(a), run_identity_hash(b));
  std::vector<std::pair<std::string RunSpec::*, std::string>> changes = {
      {&RunSpec::dtype, "bfloat16"},         {&RunSpec::model_hash, "x"},    {&RunSpec::tokenizer_hash, "x"},
      {&RunSpec::task_config, "tasks: other"}, {&RunSpec::gauntlet_config, "g"}, {&RunSpec::device_class, "cuda"}};
  for (const auto& [field, value] : changes) {
    RunSpec c = a;
    c.*field = value;
    EXPECT_NE(run_identity_hash(a), run_identity_hash(c));
  }
}

TEST_F(StoreTest, StartRunResumesAnUnfinishedRunWhoseWriterDied) {
  RunSpec spec = test::make_spec("m", "mh");
  int64_t id = store.start_run(spec).run_id;
  // The writer (this process) is alive: a second start gets its own run.
  RunStart second = store.start_run(spec);
  EXPECT_NE(second.run_id, id);
  EXPECT_FALSE(second.resumed);
  store.finish_run(second.run_id);
  orphan(store, id);
  RunSpec other_batch = spec;
  other_batch.world_size = 2;  // resuming with another number of ranks is fine
  RunStart r = store.start_run(other_batch);
  EXPECT_TRUE(r.resumed);
  EXPECT_EQ(r.run_id, id);
  EXPECT_EQ(get_run(store, id).status, RunStatus::Running);
}

TEST_F(StoreTest, FailedRunsAreResumableCompletedOnesAreNot) {
  RunSpec spec = test::make_spec("m", "mh");
  int64_t id = store.start_run(spec).run_id;
  store.fail_run(id, "CUDA out of memory");
  RunInfo failed = get_run(store, id);
  EXPECT_EQ(failed.status, RunStatus::Failed);
  EXPECT_EQ(failed.failure, "CUDA out of memory");
  EXPECT_EQ(store.start_run(spec).run_id, id);
  store.finish_run(id);
  RunStart fresh = store.start_run(spec);
  EXPECT_NE(fresh.run_id, id);
  try {
    store.resume_run(id, spec);
    FAIL() << "resuming a completed run must fail";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_NE(std::string(e.what()).find("completed"), std::string::npos) << e.what();
  }
}

TEST_F(StoreTest, ResumeByIdChecksTheIdentityAndTheWriter) {
  RunSpec spec = test::make_spec("m", "mh");
  int64_t id = store.start_run(spec).run_id;
  try {
    store.resume_run(id, spec);
    FAIL() << "a run with a live writer must not be taken over";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Runtime);
    EXPECT_NE(std::string(e.what()).find("pid"), std::string::npos) << e.what();
  }
  orphan(store, id);
  RunSpec wrong = spec;
  wrong.model_hash = "another-checkpoint";
  wrong.dtype = "bfloat16";
  try {
    store.resume_run(id, wrong);
    FAIL() << "a different checkpoint must not resume the run";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("model hash"), std::string::npos) << msg;
    EXPECT_NE(msg.find("dtype"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("tokenizer hash"), std::string::npos) << msg;
  }
  EXPECT_TRUE(store.resume_run(id, spec).resumed);
  EXPECT_THROW(store.resume_run(424242, spec), Error);
}

TEST_F(StoreTest, RegisterTaskIsIdempotentAndRefusesChangedData) {
  int64_t run = store.create_run(test::make_spec("m", "mh")).run_id;
  int64_t t1 = store.register_task(run, task("piqa/0-shot", 10));
  EXPECT_EQ(store.register_task(run, task("piqa/0-shot", 10)), t1);
  EXPECT_NE(store.register_task(run, task("piqa/5-shot", 10)), t1);
  TaskSpec changed = task("piqa/0-shot", 10);
  changed.data_hash = "new-data";
  try {
    store.register_task(run, changed);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("data file hash"), std::string::npos) << e.what();
  }
}

TEST_F(StoreTest, ExamplesAreStoredOnceWhateverIsReinserted) {
  int64_t run = store.create_run(test::make_spec("m", "mh")).run_id;
  int64_t t = store.register_task(run, task("x/0-shot", 5));
  std::vector<ExampleRecord> first{example(0, 1), example(1, 0), example(3, 1)};
  EXPECT_EQ(store.record_examples(t, first), 3);
  std::vector<ExampleRecord> again{example(1, 1), example(2, 1), example(3, 0)};  // 1 and 3 are already stored
  EXPECT_EQ(store.record_examples(t, again), 1);
  EXPECT_EQ(store.stored_example_indices(t), (std::vector<int64_t>{0, 1, 2, 3}));
  std::vector<ExampleRecord> all = store.load_examples(t);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[1].score, 0.0);  // the first value stays
  EXPECT_EQ(all[1].response["i"], 1);
  std::vector<ExampleRecord> bad{example(5, 1)};
  EXPECT_THROW(store.record_examples(t, bad), Error);
  EXPECT_EQ(store.stored_example_indices(t).size(), 4u);  // the failed batch left nothing behind
}

TEST_F(StoreTest, CodeSamplesAreKeyedByProblemAndSample) {
  int64_t run = store.create_run(test::make_spec("m", "mh")).run_id;
  int64_t t = store.register_task(run, task("human_eval/0-shot", 3));
  std::vector<CodeSampleRecord> rows{{0, 0, "HumanEval/0", "return 1", "passed", 12.5, "bwrap+seccomp", ""},
                                     {0, 1, "HumanEval/0", "return 2", "failed", 10.0, "bwrap+seccomp", "AssertionError"},
                                     {2, 0, "HumanEval/2", "while 1: pass", "timeout", 3000.0, "bwrap+seccomp", ""}};
  EXPECT_EQ(store.record_code_samples(t, rows), 3);
  EXPECT_EQ(store.record_code_samples(t, rows), 0);
  EXPECT_EQ(store.stored_code_sample_keys(t), (std::vector<std::pair<int64_t, int64_t>>{{0, 0}, {0, 1}, {2, 0}}));
  std::vector<CodeSampleRecord> back = load_code_samples(store, t);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[1].detail, "AssertionError");
  EXPECT_EQ(back[2].verdict, "timeout");
  EXPECT_DOUBLE_EQ(back[2].duration_ms, 3000.0);
}

TEST_F(StoreTest, MetricsAndGauntletAreReplacedNotDuplicated) {
  int64_t run = store.create_run(test::make_spec("m", "mh")).run_id;
  int64_t t = store.register_task(run, task("x/0-shot", 5));
  std::vector<MetricRecord> m1{{"accuracy", 0.5, 0.1, 4}, {"other", 1.0, std::nullopt, 4}};
  store.record_metrics(t, m1);
  std::vector<MetricRecord> m2{{"accuracy", 0.6, 0.1, 5}};
  store.record_metrics(t, m2);
  std::vector<MetricRecord> back = load_metrics(store, t);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_DOUBLE_EQ(back[0].value, 0.6);
  std::vector<GauntletRecord> g{{"world_knowledge", 0.3, true}, {"average", 0.2, false}};
  store.record_gauntlet(run, g);
  store.record_gauntlet(run, g);
  std::vector<GauntletRecord> gb = load_gauntlet(store, run);
  ASSERT_EQ(gb.size(), 2u);
  EXPECT_EQ(gb[1].category, "world_knowledge");
  EXPECT_TRUE(gb[1].partial);
}

TEST_F(StoreTest, ListRunsSelectsByIdOrLabelAndOrdersBySteps) {
  int64_t a = test::add_run(store, {"ckpt", 2000, "h2", {{"t/0-shot", {1, 0}}}, {}, true});
  int64_t b = test::add_run(store, {"ckpt", 1000, "h1", {{"t/0-shot", {1, 1}}}, {}, true});
  int64_t c = test::add_run(store, {"other", std::nullopt, "h3", {{"t/0-shot", {0, 0}}}, {}, true});
  int64_t unfinished = test::add_run(store, {"ckpt", 3000, "h4", {}, {}, false});
  auto ids = [](const std::vector<RunInfo>& runs) {
    std::vector<int64_t> out;
    for (const auto& r : runs) out.push_back(r.id);
    return out;
  };
  EXPECT_EQ(ids(list_runs(store, {})), (std::vector<int64_t>{b, a, c}));
  EXPECT_EQ(ids(list_runs(store, {{}, {"ckpt"}})), (std::vector<int64_t>{b, a}));
  EXPECT_EQ(ids(list_runs(store, {{unfinished, c}, {}})), (std::vector<int64_t>{unfinished, c}));
  EXPECT_THROW(list_runs(store, {{}, {"nope"}}), Error);
  EXPECT_THROW(list_runs(store, {{999}, {}}), Error);
  EXPECT_EQ(latest_completed_run(store, "ckpt")->id, b);  // the newest completed by end time
}

TEST_F(StoreTest, SnapshotHoldsEverythingReportsNeed) {
  int64_t id = test::add_run(store, {"m", 5, "h", {{"b/0-shot", {1, 0, 1, 1}}, {"a/0-shot", {0, 0}}},
                                     {{"average", 0.4, false}}, true});
  RunSnapshot s = load_snapshot(store, id);
  ASSERT_EQ(s.tasks.size(), 2u);
  EXPECT_EQ(s.tasks[0].info.spec.label, "a/0-shot");
  const TaskSnapshot* b = s.find_task("b/0-shot");
  ASSERT_NE(b, nullptr);
  ASSERT_NE(b->primary(), nullptr);
  EXPECT_DOUBLE_EQ(b->primary()->value, 0.75);
  EXPECT_EQ(b->examples.index, (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(b->examples.score, (std::vector<double>{1, 0, 1, 1}));
  EXPECT_EQ(s.gauntlet.size(), 1u);
  EXPECT_EQ(s.title(), "#" + std::to_string(id) + " m (step 5)");
}

TEST(ProcessOwner, TellsLiveFromDeadProcesses) {
  ProcessOwner me = ProcessOwner::current();
  EXPECT_TRUE(me.alive_here());
  ProcessOwner reused = me;
  reused.start_ticks += 1;  // same pid, another process start: pid reuse
  EXPECT_FALSE(reused.alive_here());
  ProcessOwner elsewhere = me;
  elsewhere.host = "some-other-host";
  EXPECT_FALSE(elsewhere.alive_here());
  EXPECT_TRUE(elsewhere.alive_or_unknown());  // cannot be checked: assumed alive
}
