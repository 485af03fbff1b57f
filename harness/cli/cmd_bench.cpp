// mpt-eval bench: the model on the synthetic workloads of bench/workloads.json, measured as the
// Hugging Face baseline measures them (bench/bench_runner.h).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/paths.h"
#include "bench/bench_runner.h"
#include "harness/cli/model_flags.h"
#include "harness/cli/subcommands.h"
#include "models/fused_attention.h"
#include "models/mpt_config.h"
#include "models/torch_info.h"

namespace mpt::cli {
namespace {

std::vector<std::string> split_list(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& item : items) {
    size_t start = 0;
    while (start <= item.size()) {
      size_t comma = item.find(',', start);
      if (comma == std::string::npos) comma = item.size();
      if (comma > start) out.push_back(item.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

struct BenchFlags {
  bench::BenchSettings s;
  std::vector<std::string> workloads;
  std::string device = "auto";
  std::string dtype = "bf16";
  std::string weights = "native";
  std::string mode = "auto";
  std::vector<std::string> sdpa;
  std::string out;

  int run() {
    s.workloads = split_list(workloads);
    s.model.device = device == "auto" ? (torch_info().cuda_available ? "cuda" : "cpu") : device;
    s.model.dtype = parse_dtype(dtype, "--dtype");
    s.model.weights = parse_weight_format(weights, "--weights");
    if (mode == "auto") s.runner.mode = MptLanguageModelOptions::Mode::Auto;
    else if (mode == "exact") s.runner.mode = MptLanguageModelOptions::Mode::Exact;
    else if (mode == "batched") s.runner.mode = MptLanguageModelOptions::Mode::Batched;
    else throw input_error("unknown scoring mode", "--mode", "auto, exact or batched", mode);
    if (s.runner.generation_rows < 1)
      throw input_error("bad --batch-rows", "bench", "at least 1", std::to_string(s.runner.generation_rows));
    if (!sdpa.empty()) restrict_sdpa_backends(split_list(sdpa));
    std::FILE* file = nullptr;
    if (!out.empty() && !(file = std::fopen(out.c_str(), "a")))
      throw input_error("cannot open output file", out, "a writable file", "an error opening it");
    bench::run_bench(s, [&](const nlohmann::json& line) {
      std::string text = line.dump() + "\n";
      std::fputs(text.c_str(), stdout);
      std::fflush(stdout);
      if (file) std::fputs(text.c_str(), file), std::fflush(file);
    });
    if (file) std::fclose(file);
    return 0;
  }
};

}  // namespace

Action attach_bench(CLI::App& app) {
  auto cmd = std::make_shared<BenchFlags>();
  app.description(
      "Benchmark the model on the synthetic workloads of bench/workloads.json (the Hugging Face baseline's, "
      "request for request): one JSON line per workload with seconds, tokens/s, peak memory and MFU, "
      "counted as bench/hf_mpt_baseline.py counts them.");
  app.add_option("--shape", cmd->s.shape, std::string("random weights N(0, 0.02) of this architecture: ") + MptConfig::preset_names());
  app.add_option("--vocab-size", cmd->s.vocab_size, "with --shape: this vocabulary instead of the shape's (0 = the shape's)");
  app.add_option("--model", cmd->s.model_dir, "checkpoint directory instead of random weights (e.g. written by mpt-eval init)");
  app.add_option("--workload", cmd->workloads, "workload name(s) from the workloads file, comma-separated or repeated")
      ->required();
  app.add_option("--workloads", cmd->s.workloads_file, "the workloads file")->default_val(source_dir() + "/bench/workloads.json");
  app.add_option("--device", cmd->device, "cpu, cuda, cuda:N, or auto (cuda when a GPU is usable)");
  app.add_option("--dtype", cmd->dtype, "fp32, bf16 or fp16 (CUDA only); CPU computes in fp32");
  app.add_option("--weights", cmd->weights, kWeightsHelp);
  app.add_option("--threads", cmd->s.model.threads, "CPU threads (0 = ATen's default)");
  app.add_option("--seed", cmd->s.seed, "seed of the random weights");
  app.add_option("--mode", cmd->mode, "log-likelihood scoring: auto (batched on CUDA, exact on CPU), exact or batched");
  app.add_option("--batch-tokens", cmd->s.runner.batch_tokens, "token budget of one scoring batch (batched mode)");
  app.add_option("--batch-rows", cmd->s.runner.generation_rows, "sequences decoded together (continuous batching slots)")
      ->default_val(256);
  app.add_option("--warmup", cmd->s.warmup_requests, "untimed requests before each workload (generation: 16 new tokens each)");
  app.add_option("--dump", cmd->s.dump, "write per-request results here, in the baseline's --dump format");
  app.add_option("--dump-requests", cmd->s.dump_requests,
                 "write each workload's requests as JSON Lines (the baseline's --loglikelihood/--generate input); "
                 "{w} in the name becomes the workload name");
  app.add_option("--out", cmd->out, "also append the JSON lines to this file");
  app.add_option("--sdpa", cmd->sdpa, "allow only these fused attention kernels: flash, efficient, cudnn, math (CUDA, libtorch >= 2.1)");
  app.add_flag("--reference-attention", cmd->s.model.reference_attention,
               "explicit matmul / float32 softmax attention even where the fused kernel would run");
  return [cmd] { return cmd->run(); };
}

}  // namespace mpt::cli
