// Helpers of the live-evaluation tests: temporary directories, tiny NeoX-vocabulary checkpoints,
// and counting the runs a store holds.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "models/mpt_config.h"

namespace mpt::test {

// A fresh empty directory under the system temp dir (removed by the caller when it wants).
std::string fresh_dir(const std::string& name);

// MptConfig::preset("tiny") with the GPT-NeoX vocabulary (50432), so that the bundled tokenizer's
// ids are in range; about 3.3M parameters.
MptConfig tiny_neox_config();

// Writes a random tiny NeoX checkpoint (model.safetensors) into `dir`.
void write_tiny_checkpoint(const std::string& dir, uint64_t seed);

// A task file with two small tasks (lambada_openai LM, piqa MC; 0-shot) over the bundled data.
std::string small_tasks_file(const std::string& dir);

// training_step -> number of runs with that step and `status` ("completed", "running", "failed";
// "" = any) in the database.
std::map<int64_t, int64_t> runs_per_step(const std::string& db, const std::string& status = "");

}  // namespace mpt::test
