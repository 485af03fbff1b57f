// Writes a run's results to the store as they arrive, in batches: every flush puts the buffered
// response-cache entries first, then the code samples, then the example rows (each its own
// transaction), so a crash at any moment loses at most the unflushed batch and never leaves a
// stored example whose responses are neither stored nor cached.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "results/response_cache.h"
#include "results/store.h"

namespace mpt {

class ResultRecorder {
 public:
  // Flushes when `batch_rows` rows are waiting or `interval_s` passed since the last flush.
  ResultRecorder(results::Store& store, results::ResponseCache& cache, int64_t batch_rows, double interval_s);

  void cache_response(std::string key, std::string kind, nlohmann::json response);
  void add_example(int64_t task_id, results::ExampleRecord row);
  void add_code_sample(int64_t task_id, results::CodeSampleRecord row);

  void maybe_flush();
  void flush();

  int64_t examples_written() const { return examples_written_; }

 private:
  results::Store& store_;
  results::ResponseCache& cache_;
  int64_t batch_rows_;
  double interval_s_;
  std::vector<results::CacheEntry> cache_entries_;
  std::map<int64_t, std::vector<results::ExampleRecord>> examples_;        // by task id
  std::map<int64_t, std::vector<results::CodeSampleRecord>> code_samples_;  // by task id
  int64_t waiting_ = 0;
  int64_t examples_written_ = 0;
  std::chrono::steady_clock::time_point last_flush_;
};

}  // namespace mpt
