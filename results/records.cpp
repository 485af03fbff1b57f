#include "results/records.h"

#include "common/error.h"
#include "common/sha256.h"

namespace mpt::results {

const char* to_string(RunStatus s) {
  switch (s) {
    case RunStatus::Running: return "running";
    case RunStatus::Completed: return "completed";
    case RunStatus::Failed: return "failed";
    case RunStatus::Interrupted: return "interrupted";
  }
  return "unknown";
}

RunStatus run_status_from_string(const std::string& s) {
  if (s == "running") return RunStatus::Running;
  if (s == "completed") return RunStatus::Completed;
  if (s == "failed") return RunStatus::Failed;
  if (s == "interrupted") return RunStatus::Interrupted;
  throw runtime_error("unknown run status", "runs.status", "running, completed, failed or interrupted", "'" + s + "'");
}

std::string run_identity_hash(const RunSpec& spec) {
  // Length-prefixed fields, so that no two different field lists hash the same bytes.
  Sha256 h;
  auto field = [&h](const std::string& s) {
    h.update(std::to_string(s.size()) + ":");
    h.update(s);
  };
  // v2 adds the data files' hash: a run over changed data is another run, never a resume.
  field("mpt-eval run identity v2");
  field(spec.model_hash);
  field(spec.tokenizer_hash);
  field(sha256_hex(spec.task_config));
  field(sha256_hex(spec.gauntlet_config));
  field(spec.dtype);
  field(spec.device_class);
  field(spec.data_hash);
  return h.hex_digest();
}

}  // namespace mpt::results
