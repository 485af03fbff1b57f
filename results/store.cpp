#include "results/store.h"

#include <cstdlib>

#include <unistd.h>

#include "common/build_info.h"
#include "common/error.h"
#include "common/sha256.h"
#include "results/process_owner.h"
#include "results/schema.h"
#include "results/store_queries.h"

namespace mpt::results {
namespace {

constexpr const char* kNow = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

// Names the identity fields that differ between a stored run and a resume request.
std::string identity_differences(const RunInfo& run, const RunSpec& spec) {
  std::string out;
  auto cmp = [&out](const char* name, const std::string& stored, const std::string& given) {
    if (stored == given) return;
    out += std::string(out.empty() ? "" : ", ") + name + " " + quote_excerpt(stored, 20) + " vs " +
           quote_excerpt(given, 20);
  };
  cmp("model hash", run.spec.model_hash, spec.model_hash);
  cmp("tokenizer hash", run.spec.tokenizer_hash, spec.tokenizer_hash);
  cmp("task config hash", run.task_config_hash, sha256_hex(spec.task_config));
  cmp("gauntlet config hash", run.gauntlet_config_hash, sha256_hex(spec.gauntlet_config));
  cmp("data files hash", run.spec.data_hash, spec.data_hash);
  cmp("dtype", run.spec.dtype, spec.dtype);
  cmp("device class", run.spec.device_class, spec.device_class);
  return out;
}

ProcessOwner stored_owner(const SqliteDb& db, int64_t run_id) {
  Statement st = db.prepare("SELECT owner_host, owner_pid, owner_start FROM runs WHERE id = ?");
  st.bind(1, run_id);
  ProcessOwner o;
  if (st.step() && !st.is_null(1)) {
    o.host = st.get_text(0);
    o.pid = st.get_int(1);
    o.start_ticks = st.get_int(2);
  }
  return o;
}

int64_t task_num_examples(const SqliteDb& db, int64_t task_id) {
  Statement st = db.prepare("SELECT num_examples FROM tasks WHERE id = ?");
  st.bind(1, task_id);
  if (!st.step())
    throw runtime_error("unknown task id", db.path(), "a task registered with register_task", std::to_string(task_id));
  return st.get_int(0);
}

void check_index(const SqliteDb& db, int64_t task_id, int64_t index, int64_t limit) {
  if (index < 0 || index >= limit)
    throw runtime_error("example index out of range", db.path() + ", task " + std::to_string(task_id),
                        "0 <= index < " + std::to_string(limit), std::to_string(index));
}

}  // namespace

std::string default_db_path() {
  const char* env = std::getenv("MPTEVAL_DB");
  return env && *env ? std::string(env) : std::string("mpt-eval.db");
}

Store Store::open(const std::string& path, SqliteDb::OpenMode mode) {
  if (mode == SqliteDb::OpenMode::ReadOnly) {
    {
      // An older schema is upgraded first when the file allows it, so that reports read old stores.
      Store ro(SqliteDb::open(path, mode));
      const int version = schema_version(ro.db_);
      if (version <= 0 || version >= kSchemaVersion || ::access(path.c_str(), W_OK) != 0) {
        check_readable(ro.db_);  // an empty, foreign or newer file is refused; nothing is written
        return ro;
      }
    }
    Store rw(SqliteDb::open(path, SqliteDb::OpenMode::MustExist));
    migrate(rw.db_);
    return rw;
  }
  Store store(SqliteDb::open(path, mode));
  migrate(store.db_);
  return store;
}

// ---- Runs -----------------------------------------------------------------------------------

int64_t Store::insert_run(const RunSpec& spec) {
  const BuildInfo& b = build_info();
  ProcessOwner me = ProcessOwner::current();
  Statement st = db_.prepare(std::string(R"sql(
    INSERT INTO runs (identity_hash, label, model_path, model_hash, tokenizer_hash, task_config,
      task_config_hash, gauntlet_config, gauntlet_config_hash, harness_version, git_revision, device,
      device_class, dtype, world_size, training_step, started_at, status, owner_host, owner_pid, owner_start,
      data_hash)
    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,)sql") + kNow + ", 'running', ?, ?, ?, ?)");
  st.bind(1, run_identity_hash(spec)).bind(2, spec.label).bind(3, spec.model_path).bind(4, spec.model_hash);
  st.bind(5, spec.tokenizer_hash).bind(6, spec.task_config).bind(7, sha256_hex(spec.task_config));
  st.bind(8, spec.gauntlet_config).bind(9, sha256_hex(spec.gauntlet_config)).bind(10, b.version);
  st.bind(11, b.git_revision).bind(12, spec.device).bind(13, spec.device_class).bind(14, spec.dtype);
  st.bind(15, spec.world_size).bind(16, spec.training_step);
  st.bind(17, me.host).bind(18, me.pid).bind(19, me.start_ticks).bind(20, spec.data_hash);
  st.run();
  return db_.last_insert_rowid();
}

void Store::claim_run(int64_t run_id) {
  ProcessOwner me = ProcessOwner::current();
  Statement st = db_.prepare(
      "UPDATE runs SET status = 'running', ended_at = NULL, owner_host = ?, owner_pid = ?, owner_start = ? "
      "WHERE id = ?");
  st.bind(1, me.host).bind(2, me.pid).bind(3, me.start_ticks).bind(4, run_id);
  st.run();
}

RunStart Store::start_run(const RunSpec& spec) {
  RunStart result;
  db_.write_transaction([&] {
    Statement st = db_.prepare(
        "SELECT id FROM runs WHERE identity_hash = ? AND status != 'completed' ORDER BY id DESC");
    st.bind(1, run_identity_hash(spec));
    while (st.step()) {
      int64_t id = st.get_int(0);
      if (stored_owner(db_, id).alive_or_unknown()) continue;  // someone is writing it now
      claim_run(id);
      result = {id, true};
      return;
    }
    result = {insert_run(spec), false};
  });
  return result;
}

RunStart Store::create_run(const RunSpec& spec) {
  RunStart result;
  db_.write_transaction([&] { result = {insert_run(spec), false}; });
  return result;
}

RunStart Store::resume_run(int64_t run_id, const RunSpec& spec) {
  db_.write_transaction([&] {
    RunInfo run = get_run(*this, run_id);
    std::string where = db_.path() + ", run " + std::to_string(run_id);
    if (run.status == RunStatus::Completed)
      throw input_error("cannot resume a completed run", where, "a running, failed or interrupted run (or run --fresh)",
                        "status completed");
    if (std::string diff = identity_differences(run, spec); !diff.empty())
      throw input_error("resume does not match the stored run", where,
                        "the same checkpoint, tokenizer, task and gauntlet configs, data files, dtype and device class",
                        "different " + diff + " (run without --resume, or with --fresh, for a new run)");
    ProcessOwner owner = stored_owner(db_, run_id);
    if (owner.alive_here())
      throw runtime_error("run is being written by another process", where, "no live writer",
                          owner.describe() + " is still running");
    claim_run(run_id);
  });
  return {run_id, true};
}

void Store::finish_run(int64_t run_id) {
  db_.write_transaction([&] {
    Statement st = db_.prepare(std::string("UPDATE runs SET status = 'completed', failure = NULL, ended_at = ") +
                               kNow + ", owner_host = NULL, owner_pid = NULL, owner_start = NULL WHERE id = ?");
    st.bind(1, run_id).run();
    if (db_.changes() != 1) throw input_error("no such run", db_.path(), "an existing run id", std::to_string(run_id));
  });
}

void Store::interrupt_run(int64_t run_id, const std::string& message) {
  db_.write_transaction([&] {
    Statement st = db_.prepare(std::string("UPDATE runs SET status = 'interrupted', failure = ?, ended_at = ") + kNow +
                               ", owner_host = NULL, owner_pid = NULL, owner_start = NULL WHERE id = ?");
    st.bind(1, message).bind(2, run_id).run();
  });
}

void Store::fail_run(int64_t run_id, const std::string& message) {
  db_.write_transaction([&] {
    Statement st = db_.prepare(std::string("UPDATE runs SET status = 'failed', failure = ?, ended_at = ") + kNow +
                               ", owner_host = NULL, owner_pid = NULL, owner_start = NULL WHERE id = ?");
    st.bind(1, message).bind(2, run_id).run();
  });
}

// ---- Tasks and rows -------------------------------------------------------------------------

int64_t Store::register_task(int64_t run_id, const TaskSpec& spec) {
  int64_t task_id = 0;
  db_.write_transaction([&] {
    Statement find = db_.prepare(
        "SELECT id, type, primary_metric, data_hash, num_examples FROM tasks WHERE run_id = ? AND label = ?");
    find.bind(1, run_id).bind(2, spec.label);
    if (find.step()) {
      task_id = find.get_int(0);
      std::string where = db_.path() + ", run " + std::to_string(run_id) + ", task " + spec.label;
      auto same = [&](const char* what, const std::string& stored, const std::string& given) {
        if (stored != given)
          throw input_error(std::string("task ") + what + " changed since the run started", where,
                            "'" + stored + "' as stored (mpt-eval run --fresh starts a new run)", "'" + given + "'");
      };
      same("type", find.get_text(1), spec.type);
      same("primary metric", find.get_text(2), spec.primary_metric);
      same("data file hash", find.get_text(3), spec.data_hash);
      same("example count", std::to_string(find.get_int(4)), std::to_string(spec.num_examples));
      return;
    }
    Statement ins = db_.prepare(
        "INSERT INTO tasks (run_id, label, type, primary_metric, data_hash, settings, num_examples) "
        "VALUES (?,?,?,?,?,?,?)");
    ins.bind(1, run_id).bind(2, spec.label).bind(3, spec.type).bind(4, spec.primary_metric);
    ins.bind(5, spec.data_hash).bind(6, spec.settings.dump()).bind(7, spec.num_examples);
    ins.run();
    task_id = db_.last_insert_rowid();
  });
  return task_id;
}

std::vector<int64_t> Store::stored_example_indices(int64_t task_id) const {
  Statement st = db_.prepare("SELECT example_index FROM examples WHERE task_id = ? ORDER BY example_index");
  st.bind(1, task_id);
  std::vector<int64_t> out;
  while (st.step()) out.push_back(st.get_int(0));
  return out;
}

int64_t Store::record_examples(int64_t task_id, std::span<const ExampleRecord> rows) {
  int64_t inserted = 0;
  db_.write_transaction([&] {
    int64_t limit = task_num_examples(db_, task_id);
    Statement st = db_.prepare(
        "INSERT INTO examples (task_id, example_index, prompt_hash, score, response, metrics) "
        "VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING");
    for (const ExampleRecord& r : rows) {
      check_index(db_, task_id, r.example_index, limit);
      st.bind(1, task_id).bind(2, r.example_index).bind(3, r.prompt_hash).bind(4, r.score);
      st.bind(5, r.response.dump()).bind(6, r.metrics.dump());
      st.run();
      inserted += db_.changes();
      st.reset();
    }
  });
  return inserted;
}

int64_t Store::record_code_samples(int64_t task_id, std::span<const CodeSampleRecord> rows) {
  int64_t inserted = 0;
  db_.write_transaction([&] {
    int64_t limit = task_num_examples(db_, task_id);
    Statement st = db_.prepare(
        "INSERT INTO code_samples (task_id, example_index, sample_index, problem_id, completion, verdict, "
        "duration_ms, isolation, detail) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING");
    for (const CodeSampleRecord& r : rows) {
      check_index(db_, task_id, r.example_index, limit);
      st.bind(1, task_id).bind(2, r.example_index).bind(3, r.sample_index).bind(4, r.problem_id);
      st.bind(5, r.completion).bind(6, r.verdict).bind(7, r.duration_ms).bind(8, r.isolation).bind(9, r.detail);
      st.run();
      inserted += db_.changes();
      st.reset();
    }
  });
  return inserted;
}

std::vector<std::pair<int64_t, int64_t>> Store::stored_code_sample_keys(int64_t task_id) const {
  Statement st = db_.prepare(
      "SELECT example_index, sample_index FROM code_samples WHERE task_id = ? ORDER BY example_index, sample_index");
  st.bind(1, task_id);
  std::vector<std::pair<int64_t, int64_t>> out;
  while (st.step()) out.emplace_back(st.get_int(0), st.get_int(1));
  return out;
}

std::vector<ExampleRecord> Store::load_examples(int64_t task_id) const {
  Statement st = db_.prepare(
      "SELECT example_index, prompt_hash, score, response, metrics FROM examples WHERE task_id = ? "
      "ORDER BY example_index");
  st.bind(1, task_id);
  std::vector<ExampleRecord> out;
  while (st.step()) {
    ExampleRecord r;
    r.example_index = st.get_int(0);
    r.prompt_hash = st.get_text(1);
    r.score = st.get_double(2);
    r.response = nlohmann::json::parse(st.get_text(3));
    r.metrics = nlohmann::json::parse(st.get_text(4));
    out.push_back(std::move(r));
  }
  return out;
}

void Store::record_metrics(int64_t task_id, std::span<const MetricRecord> metrics) {
  db_.write_transaction([&] {
    db_.prepare("DELETE FROM metrics WHERE task_id = ?").bind(1, task_id).run();
    Statement st = db_.prepare("INSERT INTO metrics (task_id, name, value, stderr, count) VALUES (?,?,?,?,?)");
    for (const MetricRecord& m : metrics) {
      st.bind(1, task_id).bind(2, m.name).bind(3, m.value).bind(4, m.std_error).bind(5, m.count);
      st.run();
      st.reset();
    }
  });
}

void Store::record_gauntlet(int64_t run_id, std::span<const GauntletRecord> scores) {
  db_.write_transaction([&] {
    db_.prepare("DELETE FROM gauntlet_scores WHERE run_id = ?").bind(1, run_id).run();
    Statement st = db_.prepare("INSERT INTO gauntlet_scores (run_id, category, score, partial) VALUES (?,?,?,?)");
    for (const GauntletRecord& g : scores) {
      st.bind(1, run_id).bind(2, g.category).bind(3, g.score).bind(4, int64_t{g.partial ? 1 : 0});
      st.run();
      st.reset();
    }
  });
}

}  // namespace mpt::results
