// Turns the run references that compare and check accept into snapshots:
//   * an existing file: a JSON export holding one run (report --format json --runs ID);
//   * a number: that run id in the database;
//   * anything else: a label, meaning the newest completed run carrying it ("main", "nightly").
// The database is opened on first need (MustExist), so a file-only comparison needs no database.
#pragma once

#include <optional>
#include <string>

#include "results/run_snapshot.h"
#include "results/store.h"

namespace mpt::reports {

class RunResolver {
 public:
  explicit RunResolver(std::string db_path) : db_path_(std::move(db_path)) {}

  // Input error naming `ref` when it is none of the above.
  results::RunSnapshot load(const std::string& ref);
  // The database (opened now if needed).
  results::Store& store();

 private:
  std::string db_path_;
  std::optional<results::Store> store_;
};

}  // namespace mpt::reports
