#include "tests/live/live_test_support.h"

#include <filesystem>
#include <fstream>

#include <sqlite3.h>
#include <unistd.h>

#include "common/error.h"
#include "models/random_checkpoint.h"

namespace mpt::test {

std::string fresh_dir(const std::string& name) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("mpteval-live-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

MptConfig tiny_neox_config() {
  MptConfig c = MptConfig::preset("tiny");
  c.vocab_size = 50432;
  return c;
}

void write_tiny_checkpoint(const std::string& dir, uint64_t seed) {
  InitOptions o;
  o.seed = seed;
  write_random_checkpoint(tiny_neox_config(), o, dir);
}

std::string small_tasks_file(const std::string& dir) {
  const std::string path = dir + "/tasks.yaml";
  std::ofstream(path) << "icl_tasks:\n"
                         "- label: lambada_openai\n  dataset_uri: language_understanding/lambada_openai.jsonl\n"
                         "  num_fewshot: [0]\n  icl_task_type: language_modeling\n"
                         "- label: piqa\n  dataset_uri: commonsense_reasoning/piqa.jsonl\n"
                         "  num_fewshot: [0]\n  icl_task_type: multiple_choice\n"
                         "  continuation_delimiter: \"\\nAnswer: \"\n";
  return path;
}

std::map<int64_t, int64_t> runs_per_step(const std::string& db, const std::string& status) {
  std::map<int64_t, int64_t> counts;
  if (!std::filesystem::exists(db)) return counts;
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(h);
    throw runtime_error("cannot open", db);
  }
  sqlite3_busy_timeout(h, 5000);
  sqlite3_stmt* st = nullptr;
  const std::string sql =
      "SELECT training_step, COUNT(*) FROM runs WHERE training_step IS NOT NULL AND (?1 = '' OR status = ?1) GROUP BY training_step";
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, status.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW) counts[sqlite3_column_int64(st, 0)] = sqlite3_column_int64(st, 1);
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return counts;
}

}  // namespace mpt::test
