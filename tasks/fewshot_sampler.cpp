#include "tasks/fewshot_sampler.h"

#include <algorithm>

#include "common/error.h"
#include "tasks/python_int_set.h"

namespace mpt {

std::vector<int64_t> fewshot_sample_indices(int64_t dataset_size, int64_t num_fewshot, int64_t example_idx,
                                            PythonRandom& rng) {
  if (dataset_size < 1 || example_idx < 0 || example_idx >= dataset_size || num_fewshot < 0)
    throw runtime_error("few-shot sampling arguments out of range", "",
                        "0 <= example_idx < dataset_size and num_fewshot >= 0",
                        std::to_string(example_idx) + " of " + std::to_string(dataset_size));
  if (num_fewshot == 0) return {};  // LLM Foundry does not call the sampler for 0-shot
  const auto n = static_cast<uint64_t>(dataset_size);
  const auto k = static_cast<uint64_t>(std::min(dataset_size - 1, num_fewshot));
  PythonIntSet shots(rng.sample_range(n, k));
  const auto idx = static_cast<uint64_t>(example_idx);
  if (shots.remove(idx)) {
    // (LLM Foundry also returns early when len(S) >= N - 1 here; that cannot happen since
    // len(S) = k - 1 <= N - 2.)
    uint64_t r = rng.choice_below(n);
    while (shots.contains(r) || r == idx) r = rng.choice_below(n);
    shots.add(r);
  }
  std::vector<int64_t> out;
  for (uint64_t v : shots.ordered()) out.push_back(static_cast<int64_t>(v));
  return out;
}

}  // namespace mpt
