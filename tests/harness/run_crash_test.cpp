// Crash safety through the real command: `mpt-eval run` killed with SIGKILL at random moments and run
// again ends with the same metrics and per-example rows as an uninterrupted run, without
// duplicates; two `mpt-eval run` processes writing one database at once both complete.
//
// The kill moments are random (std::random_device) and printed; MPTEVAL_KILL_SEED replays them.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <cstdlib>
#include <random>
#include <thread>

#include "common/jsonl.h"
#include "results/store.h"
#include "results/store_queries.h"
#include "tests/harness/harness_test_support.h"
#include "tests/results/child_process.h"

namespace mpt {
namespace {

using nlohmann::json;

constexpr int kLimit = 8;

std::vector<std::string> run_argv(const std::string& db, const std::string& out) {
  return {MPTEVAL_BINARY, "run",     "--model",     test::tiny_neox_checkpoint(), "--db",   db,
          "--task",       "piqa",    "--task",      "hellaswag",                  "--task", "arc_easy",
          "--task",       "winograd", "--task",     "lambada_openai",             "--task", "triviaqa_sm_sub",
          "--limit",      std::to_string(kLimit),   "--commit-rows",              "2",      "--out", out};
}

// Everything a run's results consist of: per task, the metrics and every stored example row.
json stored_results(const std::string& db, int64_t run_id) {
  results::Store store = results::Store::open(db);
  json out = json::object();
  for (const results::TaskInfo& t : results::load_tasks(store, run_id)) {
    json rows = json::array();
    for (const results::ExampleRecord& e : store.load_examples(t.id))
      rows.push_back({e.example_index, e.prompt_hash, e.score, e.response, e.metrics});
    json metrics = json::array();
    for (const results::MetricRecord& m : results::load_metrics(store, t.id))
      metrics.push_back({m.name, m.value, m.std_error ? json(*m.std_error) : json(nullptr), m.count});
    out[t.spec.label] = {{"rows", rows}, {"metrics", metrics}};
  }
  return out;
}

int64_t count(const std::string& db, const std::string& sql) {
  results::Store store = results::Store::open(db);
  results::Statement st = store.db().prepare(sql);
  return st.step() ? st.get_int(0) : -1;
}

// Example rows committed so far (0 while the database or its tables do not exist yet).
int64_t rows_in(const std::string& db) {
  if (!std::filesystem::exists(db)) return 0;
  try {
    return count(db, "SELECT count(*) FROM examples");
  } catch (const std::exception&) {
    return 0;
  }
}

// Whether the database holds a run marked completed: a SIGKILL can land after the run has committed
// its completion and before the process exits, and that run is over, not something to resume.
bool has_completed_run(const std::string& db) {
  if (!std::filesystem::exists(db)) return false;
  try {
    return count(db, "SELECT count(*) FROM runs WHERE status = 'completed'") > 0;
  } catch (const std::exception&) {
    return false;
  }
}

uint64_t kill_seed() {
  if (const char* s = std::getenv("MPTEVAL_KILL_SEED")) return std::stoull(s);
  return std::random_device{}();
}

TEST(RunCrash, KillNineAtRandomMomentsThenRunAgainGivesIdenticalResults) {
  test::TempDir dir;
  auto start = std::chrono::steady_clock::now();
  test::ChildResult ref = test::wait_for(test::spawn(run_argv(dir.file("reference.db"), dir.file("reference.json"))));
  const int run_ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
  ASSERT_EQ(ref.exit_code, 0) << ref.err;
  const json reference = stored_results(dir.file("reference.db"), 1);
  ASSERT_EQ(reference.size(), 7u);

  const uint64_t seed = kill_seed();
  std::mt19937_64 rng(seed);
  std::printf("kill seed %llu (MPTEVAL_KILL_SEED to replay); an uninterrupted run takes %d ms\n",
              static_cast<unsigned long long>(seed), run_ms);
  int late = 0;  // kills that came after the run had finished (the machine was faster than measured)
  for (int trial = 0; trial < 3; ++trial) {
    const std::string db = dir.file("trial" + std::to_string(trial) + "-" + std::to_string(late) + ".db");
    test::Child child = test::spawn(run_argv(db, dir.file("killed.json")));
    auto spawned = std::chrono::steady_clock::now();
    // Trial 0 dies at any moment of the whole command (start-up included); the others at a random
    // moment after the run has committed its first rows, so that there is something to resume.
    int delay_ms = 0;
    if (trial == 0) {
      delay_ms = std::uniform_int_distribution<int>(0, run_ms)(rng);
    } else {
      while (rows_in(db) == 0 && std::chrono::steady_clock::now() - spawned < std::chrono::seconds(60))
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      delay_ms = std::uniform_int_distribution<int>(0, (run_ms / 4) >> late)(rng);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    test::ChildResult killed = test::kill9(child);
    const int killed_at = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - spawned).count());
    const int64_t rows_before = rows_in(db);
    const bool finished = killed.exit_code == 0 || has_completed_run(db);
    std::printf("trial %d: SIGKILL %d ms after start (%s), %lld example rows stored\n", trial, killed_at,
                killed.exit_code == 0 ? "too late: the run had finished"
                : finished            ? "too late: the run had committed its completion"
                                      : "killed",
                static_cast<long long>(rows_before));
    const bool retry = finished && trial > 0 && late < 3;

    test::ChildResult again = test::wait_for(test::spawn(run_argv(db, dir.file("resumed.json"))));
    ASSERT_EQ(again.exit_code, 0) << again.err;
    json resumed = json::parse(read_file(dir.file("resumed.json")));
    const int64_t run_id = resumed["run_id"];
    if (!finished && rows_before > 0) {
      EXPECT_TRUE(resumed["resumed"].get<bool>()) << "trial " << trial;
      EXPECT_EQ(run_id, 1);
    }
    EXPECT_EQ(stored_results(db, run_id), reference) << "trial " << trial;
    // No duplicates, nothing left over: every run completed, exactly the selected rows.
    EXPECT_EQ(count(db, "SELECT count(*) FROM runs WHERE status != 'completed'"), 0);
    const std::string of_run = " FROM examples e JOIN tasks t ON e.task_id = t.id WHERE t.run_id = " + std::to_string(run_id);
    EXPECT_EQ(count(db, "SELECT count(*)" + of_run), 7 * kLimit);
    EXPECT_EQ(count(db, "SELECT count(*) FROM (SELECT DISTINCT e.task_id, e.example_index" + of_run + ")"), 7 * kLimit);
    if (retry) {
      ++late;
      --trial;  // once more, sooner
    }
  }
}

TEST(RunCrash, TwoRunsWritingOneDatabaseAtOnceBothComplete) {
  test::TempDir dir;
  const std::string db = dir.file("shared.db");
  test::Child a = test::spawn(run_argv(db, dir.file("a.json")));
  test::Child b = test::spawn(run_argv(db, dir.file("b.json")));
  test::ChildResult ra = test::wait_for(a), rb = test::wait_for(b);
  ASSERT_EQ(ra.exit_code, 0) << ra.err;
  ASSERT_EQ(rb.exit_code, 0) << rb.err;
  EXPECT_EQ(ra.err.find("locked"), std::string::npos) << ra.err;
  EXPECT_EQ(rb.err.find("locked"), std::string::npos) << rb.err;
  json ja = json::parse(read_file(dir.file("a.json"))), jb = json::parse(read_file(dir.file("b.json")));
  EXPECT_NE(ja["run_id"], jb["run_id"]);  // a run whose writer is alive is never taken over
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs WHERE status = 'completed'"), 2);
  EXPECT_EQ(stored_results(db, ja["run_id"]), stored_results(db, jb["run_id"]));
}

}  // namespace
}  // namespace mpt
