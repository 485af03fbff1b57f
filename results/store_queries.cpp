#include "results/store_queries.h"

#include "common/error.h"

namespace mpt::results {
namespace {

constexpr const char* kRunColumns =
    "id, identity_hash, label, model_path, model_hash, tokenizer_hash, task_config, task_config_hash, "
    "gauntlet_config, gauntlet_config_hash, harness_version, git_revision, device, device_class, dtype, "
    "world_size, training_step, started_at, ended_at, status, failure, data_hash";

RunInfo read_run(const Statement& st) {
  RunInfo r;
  r.id = st.get_int(0);
  r.identity_hash = st.get_text(1);
  r.spec.label = st.get_text(2);
  r.spec.model_path = st.get_text(3);
  r.spec.model_hash = st.get_text(4);
  r.spec.tokenizer_hash = st.get_text(5);
  r.spec.task_config = st.get_text(6);
  r.task_config_hash = st.get_text(7);
  r.spec.gauntlet_config = st.get_text(8);
  r.gauntlet_config_hash = st.get_text(9);
  r.harness_version = st.get_text(10);
  r.git_revision = st.get_text(11);
  r.spec.device = st.get_text(12);
  r.spec.device_class = st.get_text(13);
  r.spec.dtype = st.get_text(14);
  r.spec.world_size = st.get_int(15);
  r.spec.training_step = st.get_optional_int(16);
  r.started_at = st.get_text(17);
  if (!st.is_null(18)) r.ended_at = st.get_text(18);
  r.status = run_status_from_string(st.get_text(19));
  r.failure = st.get_text(20);
  r.spec.data_hash = st.get_text(21);
  return r;
}

std::vector<RunInfo> read_runs(Statement& st) {
  std::vector<RunInfo> out;
  while (st.step()) out.push_back(read_run(st));
  return out;
}

}  // namespace

std::optional<RunInfo> find_run(const Store& store, int64_t run_id) {
  Statement st = store.db().prepare(std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?");
  st.bind(1, run_id);
  if (!st.step()) return std::nullopt;
  return read_run(st);
}

RunInfo get_run(const Store& store, int64_t run_id) {
  std::optional<RunInfo> r = find_run(store, run_id);
  if (!r) throw input_error("no such run", store.path(), "an existing run id", std::to_string(run_id));
  return *r;
}

std::vector<RunInfo> list_runs(const Store& store, const RunSelection& selection) {
  if (!selection.ids.empty()) {
    std::vector<RunInfo> out;
    for (int64_t id : selection.ids) out.push_back(get_run(store, id));
    return out;
  }
  constexpr const char* kOrder = " ORDER BY training_step IS NULL, training_step, id";
  if (selection.labels.empty()) {
    Statement st = store.db().prepare(std::string("SELECT ") + kRunColumns + " FROM runs WHERE status = 'completed'" +
                                      kOrder);
    return read_runs(st);
  }
  std::string sql = std::string("SELECT ") + kRunColumns + " FROM runs WHERE status = 'completed' AND label IN (";
  for (size_t i = 0; i < selection.labels.size(); ++i) sql += i ? ",?" : "?";
  Statement st = store.db().prepare(sql + ")" + kOrder);
  for (size_t i = 0; i < selection.labels.size(); ++i) st.bind(static_cast<int>(i + 1), selection.labels[i]);
  std::vector<RunInfo> out = read_runs(st);
  if (out.empty()) {
    std::string labels;
    for (const auto& l : selection.labels) labels += (labels.empty() ? "'" : ", '") + l + "'";
    throw input_error("no completed run with the given label", store.path(), "a completed run labelled " + labels,
                      "none");
  }
  return out;
}

std::optional<RunInfo> latest_completed_run(const Store& store, const std::string& label) {
  Statement st = store.db().prepare(std::string("SELECT ") + kRunColumns +
                                    " FROM runs WHERE status = 'completed' AND label = ? "
                                    "ORDER BY ended_at DESC, id DESC LIMIT 1");
  st.bind(1, label);
  if (!st.step()) return std::nullopt;
  return read_run(st);
}

std::optional<RunInfo> completed_run_with_identity(const Store& store, const std::string& identity_hash) {
  Statement st = store.db().prepare(std::string("SELECT ") + kRunColumns +
                                    " FROM runs WHERE status = 'completed' AND identity_hash = ? ORDER BY id DESC LIMIT 1");
  st.bind(1, identity_hash);
  if (!st.step()) return std::nullopt;
  return read_run(st);
}

std::vector<TaskInfo> load_tasks(const Store& store, int64_t run_id) {
  Statement st = store.db().prepare(
      "SELECT t.id, t.label, t.type, t.primary_metric, t.data_hash, t.settings, t.num_examples, "
      "(SELECT count(*) FROM examples e WHERE e.task_id = t.id) FROM tasks t WHERE t.run_id = ? ORDER BY t.label");
  st.bind(1, run_id);
  std::vector<TaskInfo> out;
  while (st.step()) {
    TaskInfo t;
    t.id = st.get_int(0);
    t.run_id = run_id;
    t.spec.label = st.get_text(1);
    t.spec.type = st.get_text(2);
    t.spec.primary_metric = st.get_text(3);
    t.spec.data_hash = st.get_text(4);
    t.spec.settings = nlohmann::json::parse(st.get_text(5));
    t.spec.num_examples = st.get_int(6);
    t.stored_examples = st.get_int(7);
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<MetricRecord> load_metrics(const Store& store, int64_t task_id) {
  Statement st = store.db().prepare("SELECT name, value, stderr, count FROM metrics WHERE task_id = ? ORDER BY name");
  st.bind(1, task_id);
  std::vector<MetricRecord> out;
  while (st.step()) out.push_back({st.get_text(0), st.get_double(1), st.get_optional_double(2), st.get_int(3)});
  return out;
}

std::vector<GauntletRecord> load_gauntlet(const Store& store, int64_t run_id) {
  Statement st = store.db().prepare(
      "SELECT category, score, partial FROM gauntlet_scores WHERE run_id = ? ORDER BY category");
  st.bind(1, run_id);
  std::vector<GauntletRecord> out;
  while (st.step()) out.push_back({st.get_text(0), st.get_double(1), st.get_int(2) != 0});
  return out;
}

std::vector<CodeSampleRecord> load_code_samples(const Store& store, int64_t task_id) {
  Statement st = store.db().prepare(
      "SELECT example_index, sample_index, problem_id, completion, verdict, duration_ms, isolation, detail "
      "FROM code_samples WHERE task_id = ? ORDER BY example_index, sample_index");
  st.bind(1, task_id);
  std::vector<CodeSampleRecord> out;
  while (st.step())
    out.push_back({st.get_int(0), st.get_int(1), st.get_text(2), st.get_text(3), st.get_text(4), st.get_double(5),
                   st.get_text(6), st.get_text(7)});
  return out;
}

ExampleScores load_example_scores(const Store& store, int64_t task_id) {
  Statement st = store.db().prepare(
      "SELECT example_index, score FROM examples WHERE task_id = ? ORDER BY example_index");
  st.bind(1, task_id);
  ExampleScores out;
  while (st.step()) {
    out.index.push_back(st.get_int(0));
    out.score.push_back(st.get_double(1));
  }
  return out;
}

}  // namespace mpt::results
