// `mpt-eval run` as a distributed job over Gloo on loopback: started by `mpt-eval launch`, or with
// torchrun's / srun's variables set by hand. The model is a tiny random MPT with the GPT-NeoX
// vocabulary, so that real tasks run through it in seconds. Results are compared bit for bit (the
// stored responses are JSON with round-trip doubles): float32 CPU in exact mode makes every answer
// a pure function of its request, whatever the number of ranks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <thread>

#include "results/store.h"
#include "results/store_queries.h"
#include "tests/distributed/process_group.h"

namespace mpt::test {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

const std::string kFixtures = std::string(MPTEVAL_TEST_FIXTURES) + "/distributed";
constexpr int kLimit = 24;

// task label -> example index -> "response | metrics" (JSON dumps), plus "metrics" -> the task's
// aggregated metrics.
using Snapshot = std::map<std::string, std::map<std::string, std::string>>;

Snapshot snapshot(const std::string& db, int64_t run_id = 1) {
  Snapshot s;
  auto store = results::Store::open(db, results::SqliteDb::OpenMode::MustExist);
  for (const results::TaskInfo& t : results::load_tasks(store, run_id)) {
    auto& rows = s[t.spec.label];
    for (const results::ExampleRecord& e : store.load_examples(t.id))
      rows[std::to_string(e.example_index)] = e.response.dump() + " | " + e.metrics.dump();
    std::string metrics;
    for (const results::MetricRecord& m : results::load_metrics(store, t.id))
      metrics += m.name + "=" + std::to_string(m.value) + " ";
    rows["metrics"] = metrics;
    for (const results::CodeSampleRecord& c : results::load_code_samples(store, t.id))
      rows["sample " + std::to_string(c.example_index) + "/" + std::to_string(c.sample_index)] = c.completion + " -> " + c.verdict;
  }
  return s;
}

int64_t stored_rows(const std::string& db) {
  if (!fs::exists(db)) return 0;
  try {
    auto store = results::Store::open(db, results::SqliteDb::OpenMode::MustExist);
    if (!results::find_run(store, 1)) return 0;
    int64_t n = 0;
    for (const results::TaskInfo& t : results::load_tasks(store, 1)) n += t.stored_examples;
    return n;
  } catch (const std::exception&) {
    return 0;  // being created
  }
}

// The pid of `parent`'s child whose environment has RANK=<rank>.
pid_t child_with_rank(pid_t parent, int rank) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string pid, comm, state, ppid;
    stat >> pid >> comm >> state >> ppid;
    if (ppid != std::to_string(parent)) continue;
    std::string env = read_text((entry.path() / "environ").string());
    if (env.find(std::string("RANK=") + std::to_string(rank) + '\0') == 0 ||
        env.find(std::string("\0RANK=", 6) + std::to_string(rank) + '\0') != std::string::npos)
      return static_cast<pid_t>(std::stol(name));
  }
  return -1;
}

class DistributedRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    suite_dir_ = temp_dir("dist-run");
    model_ = suite_dir_ + "/model";
    Finished init = wait_process(start_process({MPTEVAL_BINARY, "init", "--shape", "tiny", "--vocab-size", "50432",
                                                "--seed", "5", "--out", model_},
                                               {}, suite_dir_ + "/init"),
                                 120);
    ASSERT_EQ(init.exit_code, 0) << init.err;
    reference_db_ = suite_dir_ + "/reference.db";
    Finished ref = wait_process(start_process(run_args(reference_db_), {}, suite_dir_ + "/reference"), 240);
    ASSERT_EQ(ref.exit_code, 0) << ref.err;
  }
  void SetUp() override { dir = temp_dir("dist-case"); }

  static std::vector<std::string> run_args(const std::string& db, const std::string& tasks = kFixtures + "/tasks.yaml",
                                           std::vector<std::string> extra = {}) {
    std::vector<std::string> a = {MPTEVAL_BINARY, "run", "--model", model_, "--tasks", tasks, "--limit",
                                  std::to_string(kLimit), "--db", db, "--no-cache", "--commit-rows", "2",
                                  "--dist-round-tokens", "300"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  static std::vector<std::string> launch(int n, std::vector<std::string> run) {
    std::vector<std::string> a = {MPTEVAL_BINARY, "launch", "--nproc", std::to_string(n), "--"};
    a.insert(a.end(), run.begin() + 1, run.end());  // without the binary: launch runs itself
    return a;
  }
  static std::map<std::string, std::string> torchrun_env(int rank, int size, int port) {
    return {{"RANK", std::to_string(rank)},      {"WORLD_SIZE", std::to_string(size)},
            {"LOCAL_RANK", std::to_string(rank)}, {"MASTER_ADDR", "127.0.0.1"},
            {"MASTER_PORT", std::to_string(port)}, {"OMP_NUM_THREADS", "1"}};
  }
  // Waits until rank 0 has committed some rows (so that a failure lands mid-run).
  static void wait_for_rows(const std::string& db) {
    for (int i = 0; i < 2400 && stored_rows(db) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  static inline std::string suite_dir_, model_, reference_db_;
  std::string dir;
};

TEST_F(DistributedRun, TwoAndThreeRanksStoreTheSingleRanksResultsBitForBit) {
  const Snapshot reference = snapshot(reference_db_);
  ASSERT_EQ(reference.size(), 3u);
  for (const auto& [label, rows] : reference) EXPECT_EQ(rows.size(), kLimit + 1u) << label;
  for (int n : {2, 3}) {
    std::string db = dir + "/launch" + std::to_string(n) + ".db";
    Finished f = wait_process(start_process(launch(n, run_args(db)), {}, db), 300);
    ASSERT_EQ(f.exit_code, 0) << f.err;
    EXPECT_THAT(f.err, HasSubstr("of " + std::to_string(n) + " (torchrun, gloo, cpu)"));
    EXPECT_THAT(f.out, HasSubstr("[rank 0] piqa/0-shot")) << "rank 0 prints the table";
    EXPECT_THAT(f.out, ::testing::Not(HasSubstr("[rank 1] piqa"))) << "the other ranks print nothing";
    EXPECT_EQ(snapshot(db), reference) << n << " ranks";
  }
}

TEST_F(DistributedRun, AKilledRankStopsTheOthersAndAResumeWithAnotherRankCountCompletes) {
  const std::string db = dir + "/killed.db";
  Started p = start_process(launch(3, run_args(db)), {}, dir + "/killed");
  wait_for_rows(db);
  pid_t victim = child_with_rank(p.pid, 1);
  ASSERT_GT(victim, 0);
  kill(victim, SIGKILL);
  Finished f = wait_process(p, 120);
  EXPECT_EQ(f.exit_code, 1) << f.err;
  EXPECT_THAT(f.err, HasSubstr("launch failed: rank 1 (pid " + std::to_string(victim) + ") was killed by signal 9"));
  for (int r : {0, 2}) {
    EXPECT_THAT(f.err, HasSubstr("[rank " + std::to_string(r) + "] error: distributed job failed: rank 1 (pid"));
    EXPECT_THAT(f.err, ::testing::ContainsRegex("launch: rank " + std::to_string(r) + " \\(pid [0-9]+\\) exited with code 1"));
  }
  EXPECT_THAT(f.err, ::testing::Not(HasSubstr("sending SIGTERM"))) << "the survivors stopped by themselves";

  // What was stored before the failure is valid: a part of the uninterrupted run's results.
  const Snapshot reference = snapshot(reference_db_);
  Snapshot partial = snapshot(db);
  size_t rows = 0;
  for (const auto& [label, entries] : partial)
    for (const auto& [k, v] : entries)
      if (k != "metrics") {
        ++rows;
        EXPECT_EQ(v, reference.at(label).at(k)) << label << " " << k;
      }
  EXPECT_GT(rows, 0u);
  EXPECT_LT(rows, 3u * kLimit);

  // The same command with 2 ranks takes the run over and completes it: the uninterrupted results.
  Finished resumed = wait_process(start_process(launch(2, run_args(db)), {}, dir + "/resumed"), 300);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_THAT(resumed.err, HasSubstr("resuming run 1"));
  EXPECT_EQ(snapshot(db), reference);
}

TEST_F(DistributedRun, WithoutALauncherAKilledRankIsNamedWithinTheRankTimeout) {
  // As under torchrun without an agent store, or srun: rank 0 hosts the store; heartbeats tell.
  const int port = free_port();
  const std::string db = dir + "/torchrun.db";
  std::vector<Started> ranks;
  for (int r = 0; r < 3; ++r)
    ranks.push_back(start_process(run_args(db, kFixtures + "/tasks.yaml", {"--rank-timeout", "3"}),
                                  torchrun_env(r, 3, port), dir + "/rank" + std::to_string(r)));
  wait_for_rows(db);
  kill(ranks[2].pid, SIGKILL);
  wait_process(ranks[2], 10);
  for (int r : {0, 1}) {
    Finished f = wait_process(ranks[static_cast<size_t>(r)], 60);
    EXPECT_EQ(f.exit_code, 1) << "rank " << r << ": " << f.err;
    EXPECT_THAT(f.err, HasSubstr("distributed job failed: rank 2 stopped responding: no heartbeat for")) << "rank " << r;
    // Bound: rank timeout 3 s + 2 heartbeats + the store host's 3 heartbeats of grace, with slack for 2 busy cores.
    if (r == 0) {
      std::printf("rank 0 exited %.1f s after rank 2 was killed (--rank-timeout 3)\n", f.seconds);
      EXPECT_LT(f.seconds, 3 + 15);
    }
  }
}

TEST_F(DistributedRun, AFailingRankStopsTheOthersWithItsReason) {
  const int port = free_port();
  std::ofstream(dir + "/bad.yaml") << "icl_tasks: 7\n";
  Started ok = start_process(run_args(dir + "/f.db"), torchrun_env(0, 2, port), dir + "/ok");
  Started bad = start_process(run_args(dir + "/f.db", dir + "/bad.yaml"), torchrun_env(1, 2, port), dir + "/bad");
  Finished b = wait_process(bad, 120);
  Finished o = wait_process(ok, 120);
  EXPECT_EQ(b.exit_code, 2) << b.err;
  EXPECT_EQ(o.exit_code, 1) << o.err;
  // Rank 0 names rank 1 and gives rank 1's own error message.
  const size_t at = b.err.rfind("error: ");
  ASSERT_NE(at, std::string::npos) << b.err;
  std::string reason = b.err.substr(at + 7);
  reason = reason.substr(0, reason.find('\n'));
  EXPECT_THAT(o.err, HasSubstr("distributed job failed: rank 1 failed: " + reason));
}

TEST_F(DistributedRun, SrunVariablesFormTheJob) {
  const int port = free_port();
  const std::string db = dir + "/srun.db";
  std::vector<Started> ranks;
  for (int r = 0; r < 2; ++r)
    ranks.push_back(start_process(run_args(db),
                                  {{"SLURM_PROCID", std::to_string(r)}, {"SLURM_NTASKS", "2"},
                                   {"SLURM_LOCALID", std::to_string(r)}, {"SLURM_JOB_NODELIST", "localhost"},
                                   {"MASTER_PORT", std::to_string(port)}, {"OMP_NUM_THREADS", "1"}},
                                  dir + "/srun" + std::to_string(r)));
  for (int r = 0; r < 2; ++r) {
    Finished f = wait_process(ranks[static_cast<size_t>(r)], 300);
    EXPECT_EQ(f.exit_code, 0) << f.err;
    EXPECT_THAT(f.err, HasSubstr("of 2 (Slurm, gloo, cpu)"));
  }
  EXPECT_EQ(snapshot(db), snapshot(reference_db_));
}

TEST_F(DistributedRun, GeneratedCodeRunsInEveryRanksSandbox) {
  const std::string single = dir + "/code1.db", two = dir + "/code2.db";
  Finished s = wait_process(start_process(run_args(single, kFixtures + "/code.yaml"), {}, dir + "/code1"), 300);
  if (s.exit_code != 0 && s.err.find("isolation") != std::string::npos) GTEST_SKIP() << "no sandbox here: " << s.err;
  ASSERT_EQ(s.exit_code, 0) << s.err;
  Finished d = wait_process(start_process(launch(2, run_args(two, kFixtures + "/code.yaml")), {}, dir + "/code2"), 300);
  ASSERT_EQ(d.exit_code, 0) << d.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(d.err, m, std::regex("programs executed per rank: ([0-9]+), ([0-9]+)"))) << d.err;
  EXPECT_GT(std::stoi(m[1]), 0);
  EXPECT_GT(std::stoi(m[2]), 0);
  EXPECT_EQ(std::stoi(m[1]) + std::stoi(m[2]), 2 * kLimit);
  EXPECT_EQ(snapshot(two), snapshot(single)) << "same completions and verdicts";
}

TEST(Launch, ForwardsSignalsToTheRanks) {
  std::string dir = temp_dir("dist-sig");
  Started p = start_process({MPTEVAL_BINARY, "launch", "--nproc", "2", "--exec", "--", "sleep", "600"}, {}, dir + "/sig");
  // Signal only once the launcher handles signals (it logs its store after blocking them): a fixed
  // sleep raced with a slow start-up on a loaded machine, and the launcher died by the signal.
  const auto started = std::chrono::steady_clock::now();
  auto log_text = [&p] {
    std::ifstream in(p.err_path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  while (log_text().find("launch: 2 ranks of") == std::string::npos &&
         std::chrono::steady_clock::now() - started < std::chrono::seconds(120))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_NE(log_text().find("launch: 2 ranks of"), std::string::npos) << "the launcher did not start";
  kill(p.pid, SIGTERM);
  // The ranks sleep 600 s: ending well before that means the signal reached them.
  Finished f = wait_process(p, 300);
  EXPECT_EQ(f.exit_code, 1) << f.err;
  EXPECT_LT(f.seconds, 300);
  EXPECT_THAT(f.err, HasSubstr("forwarding it to the ranks"));
  EXPECT_THAT(f.err, HasSubstr("launch failed: interrupted by Terminated"));
}

}  // namespace
}  // namespace mpt::test
