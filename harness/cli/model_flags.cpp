#include "harness/cli/model_flags.h"

#include "harness/cli/number_checks.h"

#include <cerrno>
#include <cstdlib>

#include "common/error.h"

namespace mpt::cli {

const char* const kWeightsHelp =
    "native (the --dtype), int8 (linear layers and embeddings quantized to per-row int8 while loading, "
    "weight-only: activations keep the compute dtype), or int8-dynamic (the same weights, multiplied by "
    "libtorch's dynamically quantized linear, which also rounds activations to 8 bits; CPU only)";

ModelOptions ModelFlags::options() const {
  ModelOptions o;
  o.device = device;
  o.dtype = parse_dtype(dtype, "--dtype");
  o.weights = parse_weight_format(weights, "--weights");
  o.threads = threads;
  return o;
}

MptLanguageModelOptions::Mode parse_scoring_mode(const std::string& s) {
  using Mode = MptLanguageModelOptions::Mode;
  if (s == "auto") return Mode::Auto;
  if (s == "exact") return Mode::Exact;
  if (s == "batched") return Mode::Batched;
  throw input_error("invalid --mode", "--mode", "auto, exact or batched", s);
}

void add_model_flags(CLI::App& app, ModelFlags& flags, bool with_model) {
  if (with_model)
      app.add_option("--model", flags.model, "checkpoint directory (config.json + model.safetensors, shards with an index, or pytorch_model.bin)")
        ->required();
  app.add_option("--dtype", flags.dtype, "dtype of the weights (and of activations on CUDA; CPU computes in fp32): fp32, bf16 or fp16 (CUDA only)");
  app.add_option("--weights", flags.weights, kWeightsHelp);
  app.add_option("--device", flags.device, "cpu, cuda or cuda:N");
  app.add_option("--threads", flags.threads, "CPU threads (0 = ATen's default: OMP_NUM_THREADS, else the physical cores it detects)")
      ->check(at_least(0));
}

TokenIds parse_token_ids(const std::string& text, const std::string& where) {
  TokenIds ids;
  const char* p = text.c_str();
  while (*p) {
    if (*p == ' ' || *p == ',' || *p == '\t' || *p == '\n') {
      ++p;
      continue;
    }
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(p, &end, 10);
    if (end == p || errno != 0 || v < 0 || v > INT32_MAX || (*end && *end != ' ' && *end != ',' && *end != '\t' && *end != '\n'))
      throw input_error("bad token id list", where, "non-negative integers separated by spaces or commas",
                        quote_excerpt(text));
    ids.push_back(static_cast<int32_t>(v));
    p = end;
  }
  if (ids.empty()) throw input_error("empty token id list", where, "at least one token id", quote_excerpt(text));
  return ids;
}

}  // namespace mpt::cli
