// Writing a random-weight MPT checkpoint in Hugging Face layout (`mpt-eval init`), for tests, demos
// and benchmarks: config.json (HF-transformers flavour, see MptConfig::to_json) and the weights as
// model.safetensors, or as model-0000k-of-0000n.safetensors shards with model.safetensors.index.json
// when they exceed `max_shard_bytes`.
//
// Initialisation (like LLM Foundry's `baseline_` init with init_div_is_residual): matrices and
// embeddings N(0, std²); out_proj and down_proj N(0, (std / sqrt(2·n_layers))²); norm weights 1 and
// biases 0. `randomize_norms` instead draws norm weights 1 + 0.1·N(0,1) and biases 0.05·N(0,1), so
// that a loader or forward pass that drops or swaps them is caught by tests.
//
// Deterministic: the same config, options and seed give the same files, whatever the number of
// threads (each 1M-element chunk of a tensor has its own std::mt19937_64 stream seeded from the seed,
// the tensor name and the chunk index; chunks are filled in parallel). Byte-identical across machines
// with the same libm (Box-Muller uses log/cos/sin). Memory: a few chunks, never the whole model.
// No ATen here.
#pragma once

#include <cstdint>
#include <string>

#include "models/model_options.h"
#include "models/mpt_config.h"

namespace mpt {

struct InitOptions {
  uint64_t seed = 0;
  DType dtype = DType::F32;              // dtype of the written tensors (also config.json's torch_dtype)
  double std = 0.02;
  bool randomize_norms = false;
  uint64_t max_shard_bytes = 4ull << 30;  // 4 GiB, as HF's save_pretrained uses for large models
  bool overwrite = false;                 // replace an existing checkpoint in the directory
};

// Writes the checkpoint into `dir` (created when missing). Input error when `dir` already holds
// checkpoint files (config.json, *.safetensors, *.index.json, *.bin) and overwrite is false; with
// overwrite those files are removed first. Runtime error on I/O failure (no file is left half-written
// under its final name).
void write_random_checkpoint(const MptConfig& config, const InitOptions& options, const std::string& dir);

}  // namespace mpt
