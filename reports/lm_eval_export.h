// A stored run as the files lm-evaluation-harness writes with --output_path and --log_samples
// (lm_eval/loggers/evaluation_tracker.py: save_results_aggregated, save_results_samples), so that
// leaderboards, dashboards and papers' scripts that read lm-eval's files read mpt-eval's:
//
//   <dir>/<model_name_sanitized>/results_<date>.json          the aggregated results
//   <dir>/<model_name_sanitized>/samples_<task>_<date>.jsonl  one per task: every stored example
//
// <date> is the run's end time (start time while unfinished) in lm-eval's form
// "2026-11-26T16-20-00.123000", so the same stored run always gives the same file names and bytes:
// `run --lm-eval-output` and `report --format lm-eval` write identical files. The mapping of names,
// keys and values, and what differs from lm-eval, is in docs/results.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "results/store.h"

namespace mpt::reports {

struct LmEvalFile {
  std::string path;     // relative to the output directory
  std::string content;
};

// Every file of the run, rendered in memory (nothing is written). Input error for an unknown run.
std::vector<LmEvalFile> render_lm_eval(const results::Store& store, int64_t run_id);

// Renders every run's files first, then writes them under `dir` (created when missing), each to a
// temporary file renamed into place, so a reader never sees a half-written file and a failure while
// rendering writes nothing. Returns the paths written.
std::vector<std::string> write_lm_eval(const results::Store& store, const std::vector<int64_t>& run_ids,
                                       const std::string& dir);

// Before any work: Input error naming `option` when `dir` cannot become the output directory (it
// is a file, or neither it nor its parent directory exists).
void check_lm_eval_dir(const std::string& dir, const std::string& option);

// lm-eval's names, for tests. "2026-11-26T16:20:00.123Z" -> "2026-11-26T16-20-00.123000".
std::string lm_eval_date_id(const std::string& iso_utc);
// lm_eval.utils.sanitize_model_name: runs of " < > : / | \ ? * [ ] become "__".
std::string sanitize_model_name(const std::string& name);
// The task names of a run's labels, in the same order: the label without its "/<k>-shot" part when
// that stays unique within the run, with every character other than letters, digits, '_', '-'
// and '.' replaced by '_' ("piqa/0-shot" -> "piqa", "jeopardy/3-shot/science" -> "jeopardy_science").
std::vector<std::string> lm_eval_task_names(const std::vector<std::string>& labels);

}  // namespace mpt::reports
