#include "reports/run_resolver.h"

#include <filesystem>

#include "common/error.h"
#include "reports/json_export.h"
#include "results/store_queries.h"

namespace mpt::reports {
namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() < 19 && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

results::Store& RunResolver::store() {
  if (!store_) store_.emplace(results::Store::open(db_path_, results::SqliteDb::OpenMode::ReadOnly));
  return *store_;
}

results::RunSnapshot RunResolver::load(const std::string& ref) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(ref, ec) && !all_digits(ref)) return read_single_run_file(ref);
  if (all_digits(ref)) return results::load_snapshot(store(), std::stoll(ref));
  std::optional<results::RunInfo> run = results::latest_completed_run(store(), ref);
  if (!run)
    throw input_error("unknown run reference", ref,
                      "a run id, a results JSON file, or the label of a completed run in " + db_path_,
                      "no such file and no completed run with that label");
  return results::load_snapshot(store(), run->id);
}

}  // namespace mpt::reports
