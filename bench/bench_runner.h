// `mpt-eval bench`: the model on the synthetic workloads of bench/workloads.json, timed and counted
// exactly as the Hugging Face baseline (bench/hf_mpt_baseline.py) times and counts them, so that the
// two programs' JSON lines can be divided into each other (scripts/gpu-bench.sh).
//
// Per workload: warm-up on the first requests (untimed), peak memory reset, then every request
// through MptLanguageModel (the `run` command's path: batched scoring, continuous-batching
// generation) between two device synchronisations. Printed as one JSON object per line:
//   header   {"impl": "mpt-eval", "torch", "device", "dtype", "params", "load_s", "model", "attention"}
//   workload {"workload", "kind", "requests", "batch_size", "order", "mode", "seconds", "tokens",
//             "tokens_per_s", "peak_mem_gb", "mfu_vs_790tflops" (log-likelihood),
//             "weight_bound_tokens_per_s" and "of_weight_bound" (generation at batch 1)}
// Tokens are counted as the baseline counts them: context + continuation per log-likelihood
// request, new tokens per generation request. MFU = 2 · params · tokens / seconds / 790 TFLOP/s
// (the bf16 ceiling measured on the baseline's H100); the weight bound is 2.98 TB/s (the measured
// copy bandwidth there) over the bytes of the weights, the floor of one batch-1 decoding step.
//
// --dump writes per-request results in the baseline's --dump format, {"<workload>": [...]}, with
// {"logprob": sum, "greedy": flag} or {"generated": [ids]} per request.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "backend/mpt_language_model.h"
#include "models/model_options.h"

namespace mpt::bench {

struct BenchSettings {
  std::string workloads_file;          // bench/workloads.json
  std::vector<std::string> workloads;  // names, run in this order
  std::string model_dir;               // a checkpoint, or empty for random weights of `shape`
  std::string shape;                   // MptConfig::preset name (random weights)
  int64_t vocab_size = 0;              // > 0: overrides the shape's vocabulary (e.g. tiny with NeoX ids)
  uint64_t seed = 0;                   // of the random weights
  ModelOptions model;                  // device, dtype, threads, reference_attention
  MptLanguageModelOptions runner;      // mode, batch_tokens, generation_rows
  int64_t warmup_requests = 32;        // untimed requests first (generation: at most 16 new tokens each)
  std::string dump_requests;           // file name pattern, "{w}" = workload name; empty = none
  std::string dump;                    // per-request results file; empty = none
};

// Runs the workloads; calls `on_line` with the header, then with each workload's line as soon as it
// is measured. Input errors for unknown workloads, shapes or options; Runtime errors from the model.
void run_bench(const BenchSettings& settings, const std::function<void(const nlohmann::json&)>& on_line);

}  // namespace mpt::bench
