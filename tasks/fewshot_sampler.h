// LLM Foundry's few-shot example selection (llmfoundry/eval/datasets/utils.py,
// get_fewshot_sample_idxs), bit-exact including the order the shots appear in the prompt.
#pragma once

#include <cstdint>
#include <vector>

#include "tasks/python_random.h"

namespace mpt {

// For test example `example_idx` of a dataset of `dataset_size` rows: samples
// min(dataset_size - 1, num_fewshot) distinct indices with rng.sample(range(N), k), drops
// example_idx if it was drawn and replaces it by rng.choice(range(N)) draws until one is neither
// in the set nor example_idx. Returns the indices in CPython set iteration order (the order the
// shots are concatenated in). The rng is shared by all examples of a dataset and must be consumed
// in example order: example i's draws depend on every earlier example's.
// Requires dataset_size >= 1 and example_idx < dataset_size; num_fewshot == 0 draws nothing.
std::vector<int64_t> fewshot_sample_indices(int64_t dataset_size, int64_t num_fewshot, int64_t example_idx,
                                            PythonRandom& rng);

}  // namespace mpt
