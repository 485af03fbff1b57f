// Test driver: writes a synthetic evaluation run through the store API exactly as the runner does
// (results/store.h: start or resume a run, register tasks, skip stored examples, record examples
// in batches with the response cache in front of the "model", aggregate from the stored rows,
// gauntlet, finish). The crash and concurrency tests kill it with SIGKILL at random moments and run
// several at once. Each example takes --delay-us of simulated model time (skipped on a cache hit).
//
//   store_writer --db F [--model-seed S] [--tasks T] [--examples N] [--batch B] [--delay-us D]
//                [--label L] [--resume RUN_ID]
// Prints the final metrics as one JSON line on stdout; exit 0, or 1 with the error on stderr.
#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "common/error.h"
#include "common/sha256.h"
#include "results/response_cache.h"
#include "results/store.h"

using namespace mpt;
using namespace mpt::results;

namespace {

struct Args {
  std::string db;
  uint64_t model_seed = 1;
  int tasks = 3;
  int examples = 300;
  int batch = 16;
  int delay_us = 0;
  std::string label = "synthetic";
  std::optional<int64_t> resume;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--db") a.db = v;
    else if (k == "--model-seed") a.model_seed = std::stoull(v);
    else if (k == "--tasks") a.tasks = std::stoi(v);
    else if (k == "--examples") a.examples = std::stoi(v);
    else if (k == "--batch") a.batch = std::stoi(v);
    else if (k == "--delay-us") a.delay_us = std::stoi(v);
    else if (k == "--label") a.label = v;
    else if (k == "--resume") a.resume = std::stoll(v);
    else throw input_error("unknown option", k);
  }
  if (a.db.empty()) throw input_error("missing --db");
  return a;
}

// The synthetic "model": a deterministic answer per (model, task, example).
uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

nlohmann::json model_answer(const Args& a, int task, int64_t index) {
  uint64_t h = mix(a.model_seed * 1000003ULL + static_cast<uint64_t>(task) * 7919ULL + static_cast<uint64_t>(index));
  int choice = static_cast<int>(h % 4);
  return {{"choice", choice}, {"logprob", -static_cast<double>(h % 1000) / 100.0}};
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Args a = parse(argc, argv);
    Store store = Store::open(a.db);
    RunSpec spec;
    spec.label = a.label;
    spec.model_path = "/synthetic/model";
    spec.model_hash = sha256_hex("synthetic model " + std::to_string(a.model_seed));
    spec.tokenizer_hash = sha256_hex("synthetic tokenizer");
    spec.task_config = "synthetic: {tasks: " + std::to_string(a.tasks) + ", examples: " + std::to_string(a.examples) + "}";
    spec.device = spec.device_class = "cpu";
    spec.dtype = "float32";
    RunStart run = a.resume ? store.resume_run(*a.resume, spec) : store.start_run(spec);
    std::fprintf(stderr, "store_writer: run %lld %s\n", static_cast<long long>(run.run_id), run.resumed ? "resumed" : "new");
    ResponseCache cache(store, {spec.model_hash, spec.dtype, spec.device_class});

    nlohmann::json out = {{"run_id", run.run_id}, {"metrics", nlohmann::json::object()}};
    double sum_of_tasks = 0.0;
    for (int t = 0; t < a.tasks; ++t) {
      TaskSpec ts{"synthetic_" + std::to_string(t) + "/0-shot", "multiple_choice", "accuracy",
                  sha256_hex("data " + std::to_string(t)), nlohmann::json{{"num_fewshot", 0}}, a.examples};
      int64_t task_id = store.register_task(run.run_id, ts);
      std::vector<int64_t> done_list = store.stored_example_indices(task_id);
      std::set<int64_t> done(done_list.begin(), done_list.end());
      std::vector<ExampleRecord> batch;
      std::vector<CacheEntry> new_cache;
      auto flush = [&] {
        cache.put_batch(new_cache);
        store.record_examples(task_id, batch);
        batch.clear();
        new_cache.clear();
      };
      for (int64_t i = 0; i < a.examples; ++i) {
        if (done.count(i)) continue;
        CacheRequest req{"loglikelihood", {{t, static_cast<int32_t>(i)}, {1, 2, 3}}, nlohmann::json::object(), 0, 0};
        std::string key = cache.key(req);
        nlohmann::json response;
        if (auto hit = cache.get(key)) {
          response = *hit;
        } else {
          if (a.delay_us) usleep(static_cast<useconds_t>(a.delay_us));
          response = model_answer(a, t, i);
          new_cache.push_back({key, req.kind, response});
        }
        int gold = static_cast<int>(i % 4);
        double correct = response["choice"].get<int>() == gold ? 1.0 : 0.0;
        std::string prompt_hash = sha256_hex(fmt::format("task {} example {}", t, i));
        batch.push_back({i, prompt_hash, correct, response, {{"accuracy", correct}}});
        if (static_cast<int>(batch.size()) >= a.batch) flush();
      }
      flush();
      // Aggregate from what the store holds: stored-before-the-crash rows and new rows alike.
      std::vector<ExampleRecord> all = store.load_examples(task_id);
      double sum = 0.0;
      for (const ExampleRecord& e : all) sum += e.score;
      double n = static_cast<double>(all.size());
      double p = sum / n;
      MetricRecord m{"accuracy", p, std::sqrt(p * (1 - p) / (n - 1)), static_cast<int64_t>(all.size())};
      store.record_metrics(task_id, std::span<const MetricRecord>(&m, 1));
      out["metrics"][ts.label] = {{"value", m.value}, {"stderr", *m.std_error}, {"count", m.count}};
      sum_of_tasks += p;
    }
    std::vector<GauntletRecord> g{{"synthetic", sum_of_tasks / a.tasks, false}, {"average", sum_of_tasks / a.tasks, false}};
    store.record_gauntlet(run.run_id, g);
    store.finish_run(run.run_id);
    out["gauntlet"] = g[0].score;
    out["cache_hits"] = cache.hits();
    std::printf("%s\n", out.dump().c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "store_writer: error: %s\n", e.what());
    return 1;
  }
}
