#include "harness/result_recorder.h"

#include <algorithm>

namespace mpt {

ResultRecorder::ResultRecorder(results::Store& store, results::ResponseCache& cache, int64_t batch_rows,
                               double interval_s)
    : store_(store),
      cache_(cache),
      batch_rows_(std::max<int64_t>(batch_rows, 1)),
      interval_s_(interval_s),
      last_flush_(std::chrono::steady_clock::now()) {}

void ResultRecorder::cache_response(std::string key, std::string kind, nlohmann::json response) {
  if (cache_.enabled()) cache_entries_.push_back({std::move(key), std::move(kind), std::move(response)});
}

void ResultRecorder::add_example(int64_t task_id, results::ExampleRecord row) {
  examples_[task_id].push_back(std::move(row));
  ++waiting_;
}

void ResultRecorder::add_code_sample(int64_t task_id, results::CodeSampleRecord row) {
  code_samples_[task_id].push_back(std::move(row));
  ++waiting_;
}

void ResultRecorder::maybe_flush() {
  double since = std::chrono::duration<double>(std::chrono::steady_clock::now() - last_flush_).count();
  if (waiting_ >= batch_rows_ || (since >= interval_s_ && (waiting_ > 0 || !cache_entries_.empty()))) flush();
}

void ResultRecorder::flush() {
  last_flush_ = std::chrono::steady_clock::now();
  if (!cache_entries_.empty()) {
    cache_.put_batch(cache_entries_);
    cache_entries_.clear();
  }
  for (auto& [task, rows] : code_samples_)
    if (!rows.empty()) store_.record_code_samples(task, rows);
  code_samples_.clear();
  for (auto& [task, rows] : examples_) {
    if (rows.empty()) continue;
    store_.record_examples(task, rows);
    examples_written_ += static_cast<int64_t>(rows.size());
  }
  examples_.clear();
  waiting_ = 0;
}

}  // namespace mpt
