// `mpt-eval run` (and init, tokenize, report) against the faults a careful user or an unlucky
// operator meets: corrupt checkpoints, NaN weights, bytes that are not UTF-8, data files that
// change under an unfinished run, a tokenizer that does not fit the model, SIGINT/SIGTERM,
// bad option values, read-only stores and output paths that cannot be written. Each case checks
// the exit code, the message and that no partial or misleading result is left in the store.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>

#include "common/jsonl.h"
#include "results/store.h"
#include "results/store_queries.h"
#include "tests/cli/run_command.h"
#include "tests/harness/harness_test_support.h"
#include "tests/results/child_process.h"

namespace mpt {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::run_mpt_eval;

#define EXPECT_HAS(haystack, needle)                                                                \
  do {                                                                                              \
    const std::string h_ = (haystack);                                                              \
    EXPECT_NE(h_.find(needle), std::string::npos) << "wanted: " << (needle) << "\nin: " << h_;     \
  } while (0)

// A copy of the tiny NeoX-vocabulary checkpoint that a test may damage.
std::string copy_of_tiny(const test::TempDir& dir, const std::string& name) {
  const std::string to = dir.file(name);
  fs::copy(test::tiny_neox_checkpoint(), to, fs::copy_options::recursive);
  for (const auto& e : fs::directory_iterator(to)) fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  return to;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

uint64_t header_length(const std::string& f) {
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(f[i]);
  return n;
}

// Overwrites every element of one float32 tensor of <dir>/model.safetensors with `value`.
void fill_tensor(const std::string& dir, const std::string& name, float value) {
  const std::string path = dir + "/model.safetensors";
  std::string f = read_bytes(path);
  const uint64_t n = header_length(f);
  const json header = json::parse(f.substr(8, n));
  ASSERT_TRUE(header.contains(name)) << name;
  ASSERT_EQ(header[name]["dtype"], "F32");
  const uint64_t begin = header[name]["data_offsets"][0], end = header[name]["data_offsets"][1];
  for (uint64_t at = 8 + n + begin; at < 8 + n + end; at += 4) std::memcpy(&f[at], &value, 4);
  write_bytes(path, f);
}

int64_t count(const std::string& db, const std::string& sql) {
  results::Store store = results::Store::open(db);
  results::Statement st = store.db().prepare(sql);
  return st.step() ? st.get_int(0) : -1;
}

std::string run_status(const std::string& db, int64_t run_id) {
  results::Store store = results::Store::open(db);
  results::Statement st = store.db().prepare("SELECT status FROM runs WHERE id = ?");
  st.bind(1, run_id);
  return st.step() ? st.get_text(0) : "(no such run)";
}

std::vector<std::string> run_args(const std::string& model, const std::string& db, std::vector<std::string> extra) {
  std::vector<std::string> a = {"run", "--model", model, "--db", db};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

// A header length one byte short (into the header's space padding) was accepted and every tensor
// read one byte off: the run completed with null log-probabilities.
TEST(RunReliability, CorruptSafetensorsHeaderLengthIsRefusedBeforeTheStoreExists) {
  test::TempDir dir;
  const std::string model = copy_of_tiny(dir, "corrupt");
  std::string f = read_bytes(model + "/model.safetensors");
  const uint64_t n = header_length(f) - 1;
  for (int i = 0; i < 8; ++i) f[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  write_bytes(model + "/model.safetensors", f);
  const std::string db = dir.file("r.db");
  auto r = run_mpt_eval(run_args(model, db, {"--task", "piqa", "--limit", "2"}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_HAS(r.err, "tensors do not cover the data section of safetensors file (" + model + "/model.safetensors)");
  EXPECT_FALSE(fs::exists(db)) << "no store for an input error";
}

// All-NaN weights gave piqa 40 % with logprobs [null, null] and exit 0.
TEST(RunReliability, NonFiniteOutputsFailTheRunNamingTaskExampleAndLayer) {
  test::TempDir dir;
  const std::string model = copy_of_tiny(dir, "nan");
  fill_tensor(model, "transformer.blocks.1.ffn.up_proj.weight", std::numeric_limits<float>::quiet_NaN());
  const std::string db = dir.file("r.db");
  auto r = run_mpt_eval(run_args(model, db, {"--task", "piqa", "--limit", "3", "--no-cache"}));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_HAS(r.err, "the model produced a non-finite log-likelihood (piqa/0-shot, example 0)");
  EXPECT_HAS(r.err, "first non-finite output: block 1 (MLP)");
  EXPECT_EQ(run_status(db, 1), "failed");
  EXPECT_EQ(count(db, "SELECT count(*) FROM examples"), 0) << "no NaN row is stored";
  EXPECT_EQ(count(db, "SELECT count(*) FROM response_cache"), 0);

  // Generation: NaN logits are refused too (greedy argmax would silently pick token 0).
  auto g = run_mpt_eval(run_args(model, db, {"--task", "triviaqa_sm_sub", "--limit", "2", "--no-cache"}));
  EXPECT_EQ(g.exit_code, 1) << g.err;
  EXPECT_HAS(g.err, "the model produced non-finite logits while generating (triviaqa_sm_sub/");
  EXPECT_HAS(g.err, "example 0");
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs WHERE status = 'completed'"), 0);
}

// `--label $'lab\xfe'` was stored; report/compare --format json then failed with type_error.316.
TEST(RunReliability, BytesThatAreNotUtf8AreRefusedAtInputAndOldStoresStillReport) {
  test::TempDir dir;
  const std::string db = dir.file("r.db");
  auto r = run_mpt_eval(run_args(test::tiny_neox_checkpoint(), db, {"--task", "copa", "--limit", "1", "--label", "lab\xfe"}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_HAS(r.err, "text is not valid UTF-8 (--label): expected UTF-8 text");
  EXPECT_HAS(r.err, "byte 0xfe at offset 3");
  EXPECT_FALSE(fs::exists(db));

  const std::string yaml = dir.write("bad.yaml", "icl_tasks:\n- label: co\xc3pa\n  dataset_uri: copa.jsonl\n");
  r = run_mpt_eval(run_args(test::tiny_neox_checkpoint(), db, {"--tasks", yaml}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_HAS(r.err, "text is not valid UTF-8 (" + yaml + ":2)");

  // A store written before the check: its bad bytes come out as U+FFFD, not as an exception.
  {
    results::Store store = results::Store::open(db);
    results::RunSpec spec;
    spec.label = "old\xfe";
    spec.model_path = "/ckpt/\xff";
    spec.model_hash = spec.tokenizer_hash = "00";
    spec.device = spec.device_class = "cpu";
    spec.dtype = "float32";
    store.finish_run(store.create_run(spec).run_id);
  }
  auto rep = run_mpt_eval({"report", "--db", db, "--format", "json"});
  EXPECT_EQ(rep.exit_code, 0) << rep.err;
  EXPECT_HAS(rep.out, "old\xef\xbf\xbd");
  auto cmp = run_mpt_eval({"compare", "--db", db, "1", "1", "--format", "json"});
  EXPECT_EQ(cmp.exit_code, 0) << cmp.err;
}

// A data file changed under an unfinished run: the rerun took over the old run and then exited 2
// telling the user to start a fresh run, which `run` could not do.
TEST(RunReliability, ChangedDataStartsANewRunAndFreshForcesOne) {
  test::TempDir dir;
  const std::string db = dir.file("r.db");
  const std::string yaml = dir.write("t.yaml", R"(icl_tasks:
- label: mini
  dataset_uri: mini.jsonl
  num_fewshot: [0]
  icl_task_type: multiple_choice
)");
  const std::string row = R"({"query": "The sky is", "choices": ["blue", "green"], "gold": 0})";
  dir.write("data/mini.jsonl", row + "\n" + row + "\n");
  const std::vector<std::string> args = {"--tasks", yaml, "--data-root", dir.file("data")};
  auto first = run_mpt_eval(run_args(test::tiny_neox_checkpoint(), db, args));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  // Leave run 1 unfinished, as a crash would, then change its data.
  {
    results::Store store = results::Store::open(db);
    store.fail_run(1, "crashed");
  }
  dir.write("data/mini.jsonl", row + "\n" + row + "\n" + row + "\n");
  auto second = run_mpt_eval(run_args(test::tiny_neox_checkpoint(), db, args));
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_HAS(second.err, "started run 2");
  EXPECT_EQ(run_status(db, 1), "failed") << "the old run is left as it was";
  EXPECT_EQ(run_status(db, 2), "completed");

  // --resume of the old run names the data as the difference and says how to start anew.
  auto resume = run_mpt_eval(run_args(test::tiny_neox_checkpoint(), db, [&] {
    auto a = args;
    a.insert(a.end(), {"--resume", "1"});
    return a;
  }()));
  EXPECT_EQ(resume.exit_code, 2) << resume.err;
  EXPECT_HAS(resume.err, "different data files hash");
  EXPECT_HAS(resume.err, "--fresh");

  // --fresh: a new run even though run 3 (unfinished, same identity) could be resumed.
  {
    results::Store store = results::Store::open(db);
    results::RunInfo two = results::get_run(store, 2);
    store.fail_run(store.create_run(two.spec).run_id, "crashed");
  }
  auto fresh = run_mpt_eval(run_args(test::tiny_neox_checkpoint(), db, [&] {
    auto a = args;
    a.push_back("--fresh");
    return a;
  }()));
  EXPECT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_HAS(fresh.err, "started run 4");
  EXPECT_EQ(run_status(db, 3), "failed");
}

// `init --shape tiny` has 320 tokens; with the NeoX tokenizer the run failed mid-way with
// "token id out of range (row 0, column 0)" and left a failed run behind.
TEST(RunReliability, ATokenizerThatDoesNotFitTheModelIsRefusedBeforeTheStoreExists) {
  test::TempDir dir;
  const std::string model = dir.file("v320"), db = dir.file("r.db");
  ASSERT_EQ(run_mpt_eval({"init", "--shape", "tiny", "--out", model}).exit_code, 0);
  auto r = run_mpt_eval(run_args(model, db, {"--task", "piqa", "--limit", "1"}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_HAS(r.err, "the tokenizer's ids do not fit the model's vocabulary (" + model + "/config.json, key 'vocab_size')");
  EXPECT_HAS(r.err, "expected vocab_size >= 50277");
  EXPECT_HAS(r.err, "found vocab_size 320");
  EXPECT_FALSE(fs::exists(db));
}

// Every input is checked before the store is created: the device, --resume, --out.
TEST(RunReliability, InputsAreValidatedBeforeTheStoreIsCreated) {
  test::TempDir dir;
  const std::string model = test::tiny_neox_checkpoint(), db = dir.file("r.db");
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--device", "tpu"}, "--device"},
      {{"--resume", "5"}, "no results database (" + db + ")"},
      {{"--out", dir.file("no/such/dir/out.json")}, "output directory does not exist (--out " + dir.file("no/such/dir/out.json") + ")"},
      {{"--out", dir.path()}, "output path is a directory"},
      {{"--limit", "-5"}, "expected a number >= -1, found -5"},
      {{"--threads", "-3"}, "expected a number >= 0, found -3"},
      {{"--batch-tokens", "0"}, "expected a number > 0, found 0"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"--task", "copa", "--limit", "1"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = run_mpt_eval(run_args(model, db, args));
    EXPECT_EQ(r.exit_code, 2) << c.args[0] << "\n" << r.err;
    EXPECT_HAS(r.err, c.message);
    EXPECT_EQ(r.err.find("1797693"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(db)) << c.args[0];
  }
  auto init = run_mpt_eval({"init", "--shape", "tiny", "--vocab-size", "-5", "--out", dir.file("m")});
  EXPECT_EQ(init.exit_code, 2) << init.err;
  EXPECT_HAS(init.err, "expected a number >= 0, found -5");
}

// SIGINT and SIGTERM used to kill the run by the signal, leaving it 'running' and dropping the
// batch in hand; now the rows are committed, the run is 'interrupted' and resumes to the end.
TEST(RunReliability, SignalsCommitMarkTheRunInterruptedAndItResumes) {
  for (int sig : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(sig == SIGINT ? "SIGINT" : "SIGTERM");
    test::TempDir dir;
    const std::string db = dir.file("r.db");
    // 800 requests with a commit every 2 rows: the first commit comes long before the end.
    test::Child child = test::spawn({MPTEVAL_BINARY, "run", "--model", test::tiny_neox_checkpoint(), "--db", db, "--task",
                                     "hellaswag/0-shot", "--limit", "200", "--commit-rows", "2", "--no-cache"});
    const auto spawned = std::chrono::steady_clock::now();
    int64_t rows = 0;
    while (rows == 0 && std::chrono::steady_clock::now() - spawned < std::chrono::seconds(120)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (!fs::exists(db)) continue;
      try {
        rows = count(db, "SELECT count(*) FROM examples");
      } catch (const std::exception&) {
        rows = 0;  // the schema is still being created
      }
    }
    ASSERT_GT(rows, 0) << "no row was committed within 2 minutes";
    ::kill(child.pid, sig);
    test::ChildResult r = test::wait_for(child);
    ASSERT_EQ(r.exit_code, 128 + sig) << r.err;
    EXPECT_HAS(r.err, sig == SIGINT ? "interrupted by SIGINT" : "interrupted by SIGTERM");
    EXPECT_HAS(r.err, "Run the same command again to resume it");
    EXPECT_EQ(run_status(db, 1), "interrupted");
    const int64_t kept = count(db, "SELECT count(*) FROM examples");
    EXPECT_GE(kept, rows);
    EXPECT_LT(kept, 200) << "the signal came after the run had finished";

    auto again =
        run_mpt_eval(run_args(test::tiny_neox_checkpoint(), db, {"--task", "hellaswag/0-shot", "--limit", "200", "--no-cache"}));
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_HAS(again.err, "resuming run 1");
    EXPECT_EQ(run_status(db, 1), "completed");
    EXPECT_EQ(count(db, "SELECT count(*) FROM examples"), 200);
    EXPECT_EQ(count(db, "SELECT count(*) FROM runs"), 1);
  }
}

// report/compare on a store must not write to it: no WAL switch, no schema in an empty file.
TEST(RunReliability, ReportsOpenTheStoreReadOnly) {
  test::TempDir dir;
  const std::string empty = dir.write("empty.db", "");
  auto r = run_mpt_eval({"report", "--db", empty});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_HAS(r.err, "not an mpt-eval results database (" + empty + ")");
  EXPECT_EQ(fs::file_size(empty), 0u) << "report wrote into an empty file";

  const std::string db = dir.file("r.db");
  ASSERT_EQ(run_mpt_eval(run_args(test::tiny_neox_checkpoint(), db, {"--task", "copa", "--limit", "1"})).exit_code, 0);
  // Checkpoint the WAL and remove its files, as a copy to read-only media would have it.
  { results::Store(results::Store::open(db)).db().exec("PRAGMA wal_checkpoint(TRUNCATE)"); }
  fs::remove(db + "-wal");
  fs::remove(db + "-shm");
  const std::string before = read_bytes(db);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"report", "--db", db, "--format", "json"},
        std::vector<std::string>{"compare", "--db", db, "1", "1"}, std::vector<std::string>{"check", "--db", db, "--baseline", "1", "--candidate", "1"}}) {
    auto x = run_mpt_eval(args);
    EXPECT_EQ(x.exit_code, 0) << args[0] << ": " << x.err;
  }
  EXPECT_EQ(read_bytes(db), before) << "the store's bytes changed";
  EXPECT_FALSE(fs::exists(db + "-shm")) << "a reader created the WAL index beside the file";
}

}  // namespace
}  // namespace mpt
