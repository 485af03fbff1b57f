// mpt-eval init: write a random-weight MPT checkpoint (models/random_checkpoint.h).
#include <cstdio>

#include "common/error.h"
#include "common/interrupt.h"
#include "harness/cli/number_checks.h"
#include "harness/cli/subcommands.h"
#include "models/mpt_tensors.h"
#include "models/random_checkpoint.h"

namespace mpt::cli {
namespace {

struct InitFlags {
  std::string config_file;
  std::string shape;
  std::string out;
  uint64_t seed = 0;
  std::string dtype = "fp32";
  int64_t vocab_size = 0;
  double init_std = 0.02;
  bool randomize_norms = false;
  uint64_t max_shard_mb = 4096;
  bool force = false;

  int run() const {
    if (config_file.empty() == shape.empty())
      throw input_error("choose the architecture", "init", "exactly one of --config FILE or --shape NAME",
                        config_file.empty() ? "neither" : "both");
    MptConfig config = config_file.empty() ? MptConfig::preset(shape) : MptConfig::from_file(config_file);
    if (vocab_size > INT32_MAX)
      throw input_error("bad --vocab-size", "init", "at most 2147483647 (token ids are 32-bit)", std::to_string(vocab_size));
    if (vocab_size > 0) config.vocab_size = vocab_size;
    if (!(init_std >= 0)) throw input_error("bad --init-std", "init", "a number >= 0", std::to_string(init_std));
    if (max_shard_mb == 0) throw input_error("bad --max-shard-mb", "init", "a size >= 1", "0");
    InitOptions o;
    o.seed = seed;
    o.dtype = parse_dtype(dtype, "--dtype");
    o.std = init_std;
    o.randomize_norms = randomize_norms;
    o.max_shard_bytes = max_shard_mb << 20;
    o.overwrite = force;
    install_interrupt_handlers();  // SIGINT/SIGTERM: the temporary file is removed, exit 130/143
    write_random_checkpoint(config, o, out);
    std::printf("%s\n", out.c_str());
    return 0;
  }
};

}  // namespace

Action attach_init(CLI::App& app) {
  auto cmd = std::make_shared<InitFlags>();
  app.description(
      "Write a random-weight MPT checkpoint in Hugging Face layout (config.json + model.safetensors, or "
      "shards with model.safetensors.index.json above --max-shard-mb). Prints the directory.");
  auto* cfg = app.add_option("--config", cmd->config_file, "config.json to copy the architecture from (HF or LLM Foundry flavour)");
  app.add_option("--shape", cmd->shape, std::string("named architecture: ") + MptConfig::preset_names())->excludes(cfg);
  app.add_option("--out", cmd->out, "output directory (created when missing)")->required();
  app.add_option("--seed", cmd->seed, "random seed (same seed, same weights)");
  app.add_option("--dtype", cmd->dtype, "dtype of the written weights: fp32, bf16 or fp16");
  app.add_option("--vocab-size", cmd->vocab_size, "override the vocabulary size (0 keeps the shape's; NeoX is 50432)")
      ->check(at_least(0));
  app.add_option("--init-std", cmd->init_std, "std of the normal init of matrices and embeddings");
  app.add_flag("--randomize-norms", cmd->randomize_norms, "norm weights 1 + 0.1*N(0,1) and biases 0.05*N(0,1) (tests)");
  app.add_option("--max-shard-mb", cmd->max_shard_mb, "largest shard in MiB before splitting into several files");
  app.add_flag("--force", cmd->force, "replace a checkpoint already in --out");
  return [cmd] { return cmd->run(); };
}

}  // namespace mpt::cli
