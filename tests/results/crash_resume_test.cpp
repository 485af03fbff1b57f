// Crash safety and concurrency of the store, with real processes: the store_writer driver writes a
// synthetic run through the runner's API; we SIGKILL it at random moments and resume, and we run
// several writers on one database at once.
//
// The kill moments are random (std::random_device) and printed; set MPTEVAL_KILL_SEED to replay.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "results/store.h"
#include "results/store_queries.h"
#include "tests/results/child_process.h"
#include "tests/results/run_builder.h"

using namespace mpt;
using namespace mpt::results;

namespace {

constexpr int kTasks = 3;
constexpr int kExamples = 300;

std::vector<std::string> writer(const std::string& db, const std::vector<std::string>& extra) {
  std::vector<std::string> argv{STORE_WRITER_BINARY, "--db", db, "--tasks", std::to_string(kTasks), "--examples",
                                std::to_string(kExamples)};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

// The part of the driver's output that must not depend on interruptions.
nlohmann::json final_metrics(const test::ChildResult& r) {
  EXPECT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  return {{"metrics", j["metrics"]}, {"gauntlet", j["gauntlet"]}};
}

int64_t count(const Store& store, const std::string& sql) {
  Statement st = store.db().prepare(sql);
  return st.step() ? st.get_int(0) : -1;
}

uint64_t kill_seed() {
  if (const char* s = std::getenv("MPTEVAL_KILL_SEED")) return std::stoull(s);
  return std::random_device{}();
}

}  // namespace

TEST(CrashResume, KillNineAtRandomMomentsThenResumeGivesIdenticalMetrics) {
  std::string dir = test::temp_dir("crash");
  // The uninterrupted run, timed so that the kills land inside a run.
  auto start = std::chrono::steady_clock::now();
  nlohmann::json reference =
      final_metrics(test::wait_for(test::spawn(writer(dir + "/reference.db", {"--batch", "16", "--delay-us", "1000"}))));
  int run_ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
  ASSERT_EQ(reference["metrics"].size(), static_cast<size_t>(kTasks));

  uint64_t seed = kill_seed();
  std::mt19937_64 rng(seed);
  std::printf("kill seed %llu (MPTEVAL_KILL_SEED to replay)\n", static_cast<unsigned long long>(seed));
  // Kill anywhere from just after start-up to just before the end.
  std::uniform_int_distribution<int> moment_ms(run_ms / 50, run_ms * 19 / 20);
  for (int trial = 0; trial < 4; ++trial) {
    std::string db = dir + "/trial" + std::to_string(trial) + ".db";
    int ms = moment_ms(rng);
    SCOPED_TRACE("trial " + std::to_string(trial) + ": kill after " + std::to_string(ms) + " ms (seed " +
                 std::to_string(seed) + ")");
    test::Child c = test::spawn(writer(db, {"--batch", "16", "--delay-us", "1000"}));
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    test::ChildResult killed = test::kill9(c);
    int64_t stored_at_kill = 0;
    if (std::filesystem::exists(db)) stored_at_kill = count(Store::open(db), "SELECT count(*) FROM examples");
    // Resume with another batch size: what is stored decides what is left, not how it was batched.
    test::ChildResult resumed = test::wait_for(test::spawn(writer(db, {"--batch", "7"})));
    EXPECT_EQ(final_metrics(resumed), reference) << "killed run's stderr: " << killed.err;
    if (killed.exit_code == 128 + 9 && killed.err.find("store_writer: run") != std::string::npos) {
      EXPECT_NE(resumed.err.find("resumed"), std::string::npos) << resumed.err;
    }

    Store store = Store::open(db);
    // On a loaded machine the kill may come after the writer finished: the second writer then
    // starts (and completes) a second run instead of resuming. Either way nothing is duplicated.
    const bool finished_first = killed.exit_code == 0;
    const int runs = finished_first ? 2 : 1;
    std::printf("trial %d: killed after %d of ~%d ms (%s), %lld of %d examples stored\n", trial, ms, run_ms,
                finished_first ? "had already finished" : "mid-run", static_cast<long long>(stored_at_kill),
                kTasks * kExamples);
    EXPECT_EQ(count(store, "SELECT count(*) FROM runs"), runs);  // resumed, not started over
    EXPECT_EQ(count(store, "SELECT count(*) FROM runs WHERE status = 'completed'"), runs);
    EXPECT_EQ(count(store, "SELECT count(*) FROM tasks"), runs * kTasks);
    EXPECT_EQ(count(store, "SELECT count(*) FROM examples"), runs * kTasks * kExamples);
    EXPECT_EQ(count(store, "SELECT count(*) FROM (SELECT DISTINCT task_id, example_index FROM examples)"),
              runs * kTasks * kExamples);
    EXPECT_EQ(count(store, "SELECT count(*) FROM metrics"), runs * kTasks);
    EXPECT_EQ(count(store, "SELECT count(*) FROM gauntlet_scores"), runs * 2);
    Statement check = store.db().prepare("PRAGMA integrity_check");
    ASSERT_TRUE(check.step());
    EXPECT_EQ(check.get_text(0), "ok");
  }
}

TEST(CrashResume, ExplicitResumeByRunId) {
  std::string db = test::temp_dir("crash") + "/explicit.db";
  test::Child c = test::spawn(writer(db, {"--delay-us", "2000"}));
  // Kill once the run has committed rows (a fixed sleep could land before the run existed on a
  // loaded machine); 900 examples at 2 ms each leave seconds before it would finish.
  const auto spawned = std::chrono::steady_clock::now();
  int64_t rows = 0;
  while (rows == 0 && std::chrono::steady_clock::now() - spawned < std::chrono::seconds(60)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!std::filesystem::exists(db)) continue;
    try {
      rows = count(Store::open(db), "SELECT count(*) FROM examples");
    } catch (const std::exception&) {
      rows = 0;  // the schema is still being created
    }
  }
  test::kill9(c);
  int64_t run_id;
  {
    Store store = Store::open(db);
    std::vector<RunInfo> runs = list_runs(store, {{1}, {}});
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].status, RunStatus::Running);  // as the crash left it
    run_id = runs[0].id;
  }
  test::ChildResult r = test::wait_for(test::spawn(writer(db, {"--resume", std::to_string(run_id)})));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("run " + std::to_string(run_id) + " resumed"), std::string::npos) << r.err;
  // The same configuration again (a new run, since that one is completed): every response comes
  // from the cache, none is recomputed, and the metrics are the same.
  test::ChildResult again = test::wait_for(test::spawn(writer(db, {})));
  EXPECT_EQ(final_metrics(again), final_metrics(r));
  EXPECT_EQ(nlohmann::json::parse(again.out)["cache_hits"].get<int>(), kTasks * kExamples);
  EXPECT_NE(nlohmann::json::parse(again.out)["run_id"], run_id);
}

TEST(Concurrency, TwoWritersOnOneDatabaseBothComplete) {
  std::string db = test::temp_dir("concurrent") + "/shared.db";  // created by the two writers racing
  // Batch size 1: a transaction per example, the most lock traffic a runner could cause.
  test::Child a = test::spawn(writer(db, {"--model-seed", "1", "--label", "a", "--batch", "1"}));
  test::Child b = test::spawn(writer(db, {"--model-seed", "2", "--label", "b", "--batch", "1"}));
  test::ChildResult ra = test::wait_for(a), rb = test::wait_for(b);
  EXPECT_EQ(ra.exit_code, 0) << ra.err;
  EXPECT_EQ(rb.exit_code, 0) << rb.err;
  for (const auto* r : {&ra, &rb}) {
    EXPECT_EQ(r->err.find("locked"), std::string::npos) << r->err;
    EXPECT_EQ(r->err.find("busy"), std::string::npos) << r->err;
  }
  Store store = Store::open(db);
  EXPECT_EQ(count(store, "SELECT count(*) FROM runs WHERE status = 'completed'"), 2);
  EXPECT_EQ(count(store, "SELECT count(*) FROM examples"), 2 * kTasks * kExamples);
  // Each matches what it computes alone.
  nlohmann::json alone = final_metrics(
      test::wait_for(test::spawn(writer(test::temp_dir("concurrent") + "/alone.db", {"--model-seed", "2", "--label", "b"}))));
  EXPECT_EQ(final_metrics(rb), alone);
}

TEST(Concurrency, TwoWritersOfTheSameConfigurationGetSeparateRuns) {
  std::string db = test::temp_dir("concurrent") + "/same.db";
  test::Child a = test::spawn(writer(db, {"--batch", "4", "--delay-us", "200"}));
  test::Child b = test::spawn(writer(db, {"--batch", "4", "--delay-us", "200"}));
  test::ChildResult ra = test::wait_for(a), rb = test::wait_for(b);
  EXPECT_EQ(ra.exit_code, 0) << ra.err;
  EXPECT_EQ(rb.exit_code, 0) << rb.err;
  EXPECT_EQ(final_metrics(ra), final_metrics(rb));
  Store store = Store::open(db);
  // Neither took over the other's live run.
  EXPECT_EQ(count(store, "SELECT count(*) FROM runs WHERE status = 'completed'"), 2);
  EXPECT_EQ(count(store, "SELECT count(*) FROM examples"), 2 * kTasks * kExamples);
}
