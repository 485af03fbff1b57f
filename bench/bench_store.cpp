// Store throughput: example rows inserted per second (batched as the runner does, and one per
// transaction), checkpoint hashing MB/s (first time and memoised), response-cache lookups per
// second, and the cost of a paired comparison. Prints medians of several repetitions.
//
//   build/bench/bench_store [--rows N] [--hash-mb M] [--dir DIR]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "reports/comparison.h"
#include "results/content_hash.h"
#include "results/response_cache.h"
#include "results/store.h"

using namespace mpt;
using namespace mpt::results;
namespace fs = std::filesystem;

namespace {

double seconds(const std::function<void()>& fn) {
  auto t0 = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// A row like a multiple-choice example: per-choice log-probabilities and the metrics.
ExampleRecord row(int64_t i) {
  return {i, "9f2c4e1b7a3d5f6e8c0b2a4d6f8e0c2b4a6d8f0e2c4b6a8d0f2e4c6b8a0d2f" + std::to_string(i % 10), (i % 3) ? 1.0 : 0.0,
          {{"choice_logprobs", {-1.25, -3.5, -0.75, -2.0}}, {"chosen", 2}, {"gold", 2}},
          {{"InContextLearningMultipleChoiceAccuracy", (i % 3) ? 1.0 : 0.0}}};
}

RunSpec spec(const std::string& model) {
  RunSpec s;
  s.model_path = "/bench/" + model;
  s.model_hash = model;
  s.tokenizer_hash = "tok";
  s.task_config = "bench";
  s.device = s.device_class = "cpu";
  s.dtype = "float32";
  return s;
}

double insert_rate(const std::string& dir, int64_t rows, int64_t batch, int rep) {
  std::string db = dir + "/insert_" + std::to_string(batch) + "_" + std::to_string(rep) + ".db";
  Store store = Store::open(db);
  int64_t run = store.create_run(spec(fmt::format("m{}", rep))).run_id;
  int64_t task = store.register_task(run, {"bench/0-shot", "multiple_choice", "acc", "d", {}, rows});
  std::vector<ExampleRecord> all;
  for (int64_t i = 0; i < rows; ++i) all.push_back(row(i));
  double t = seconds([&] {
    for (int64_t i = 0; i < rows; i += batch)
      store.record_examples(task, std::span<const ExampleRecord>(all.data() + i, std::min(batch, rows - i)));
  });
  fs::remove(db);
  return static_cast<double>(rows) / t;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = 100000, hash_mb = 256;
  std::string dir = "/tmp/mpteval_bench_store";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--rows") rows = std::stoll(argv[i + 1]);
    else if (k == "--hash-mb") hash_mb = std::stoll(argv[i + 1]);
    else if (k == "--dir") dir = argv[i + 1];
  }
  fs::remove_all(dir);
  fs::create_directories(dir);
  const int reps = 3;

  for (int64_t batch : {int64_t{1000}, int64_t{100}}) {
    std::vector<double> r;
    for (int rep = 0; rep < reps; ++rep) r.push_back(insert_rate(dir, rows, batch, rep));
    std::printf("insert %lld example rows, batch %lld: median %.0f rows/s\n", static_cast<long long>(rows),
                static_cast<long long>(batch), median(r));
  }
  {
    std::vector<double> r;
    for (int rep = 0; rep < reps; ++rep) r.push_back(insert_rate(dir, 2000, 1, rep));
    std::printf("insert 2000 example rows, one transaction each: median %.0f rows/s\n", median(r));
  }

  // Checkpoint hashing: a config and hash_mb MiB of weights, as one file and as 4 shards (in the
  // page cache after writing, so this measures hashing, not the disk).
  std::vector<char> chunk(1 << 20);
  for (size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<char>(i * 2654435761u >> 13);
  for (int shards : {1, 4}) {
    fs::path ckpt = fs::path(dir) / ("ckpt" + std::to_string(shards));
    fs::create_directories(ckpt);
    std::ofstream(ckpt / "config.json") << R"({"model_type": "mpt"})";
    for (int s = 0; s < shards; ++s) {
      std::string name = "model-0000";
      name += std::to_string(s + 1);
      name += ".safetensors";
      std::ofstream w(ckpt / name, std::ios::binary);
      for (int64_t m = 0; m < hash_mb / shards; ++m) w.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    }
    std::vector<double> cold, warm;
    for (int rep = 0; rep < reps; ++rep) {
      Store store = Store::open(dir + "/hash_" + std::to_string(shards) + "_" + std::to_string(rep) + ".db");
      cold.push_back(seconds([&] { hash_checkpoint(store, ckpt.string()); }));
      warm.push_back(seconds([&] { hash_checkpoint(store, ckpt.string()); }));
    }
    std::printf("hash checkpoint of %lld MiB in %d file(s): first time median %.0f MB/s (%.2f s); memoised %.2f ms\n",
                static_cast<long long>(hash_mb), shards, hash_mb * 1.048576 / median(cold), median(cold),
                median(warm) * 1e3);
  }

  // Response cache: 20,000 puts in batches of 256, then 20,000 lookups.
  {
    Store store = Store::open(dir + "/cache.db");
    ResponseCache cache(store, {"model", "bfloat16", "cuda"});
    std::vector<std::string> keys;
    std::vector<CacheEntry> entries;
    for (int i = 0; i < 20000; ++i) {
      CacheRequest req{"loglikelihood", {std::vector<int32_t>(200, i), {i, i + 1}}, {}, 0, 0};
      keys.push_back(cache.key(req));
      entries.push_back({keys.back(), req.kind, {{"logprob", -1.5}, {"greedy", true}, {"num_tokens", 2}}});
    }
    double put = seconds([&] {
      for (size_t i = 0; i < entries.size(); i += 256)
        cache.put_batch(std::span<const CacheEntry>(entries.data() + i, std::min<size_t>(256, entries.size() - i)));
    });
    double get = seconds([&] {
      for (const std::string& k : keys) cache.get(k);
    });
    std::printf("response cache: %.0f puts/s (batches of 256), %.0f gets/s\n", 20000 / put, 20000 / get);
  }

  // A paired comparison of a 10,000-example task with 10,000 resamples (the compare default).
  {
    TaskSnapshot a, b;
    a.info.spec = b.info.spec = {"t", "mc", "acc", "d", {}, 10000};
    for (int64_t i = 0; i < 10000; ++i) {
      a.examples.index.push_back(i);
      b.examples.index.push_back(i);
      a.examples.score.push_back(i % 3 ? 1.0 : 0.0);
      b.examples.score.push_back(i % 5 ? 1.0 : 0.0);
    }
    std::vector<double> t;
    for (int rep = 0; rep < reps; ++rep) t.push_back(seconds([&] { reports::compare_tasks(a, b, {}); }));
    std::printf("compare one 10,000-example task (McNemar + 10,000 bootstrap resamples): median %.3f s\n", median(t));
  }
  fs::remove_all(dir);
  return 0;
}
