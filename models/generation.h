// Batched autoregressive generation with per-sequence finishing.
//
// Continuous batching: up to `max_batch_rows` sequences decode together, one token each per step,
// in slots of a preallocated KV cache (slot_cache.h); when a sequence finishes, its slot takes the
// next waiting prompt at once (waiting prompts go longest first, prefilled in groups of at most
// `prefill_tokens` padded tokens). A sequence finishes on its EOS id (the EOS token is kept in
// `tokens`), when its stop predicate says so, or after max_new_tokens; `on_finish` is called for it
// (from the calling thread) before the others go on. Jobs with max_new_tokens 0 finish first.
// Memory: the KV cache holds max_batch_rows x the longest (prompt + max_new_tokens) of all jobs.
//
// Guarantees: a sequence's tokens depend only on its own prompt, options and seed. Greedy decoding
// takes the argmax with ties to the lowest id; sampling draws from the sequence's own generator
// (token_sampler.h), so batch composition and order do not change which random numbers it sees.
// (Its logits inside a batch agree with its logits alone to float rounding, see mpt_model.h.)
// Errors: Input for an empty prompt, an id out of range, negative max_new_tokens or bad sampling
// options, naming the job index; Runtime for libtorch failures. No ATen in this header.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "models/mpt_model.h"
#include "models/token_sampler.h"

namespace mpt {

enum class GenerationEnd { Length, Eos, Stop };
const char* to_string(GenerationEnd end);  // "length", "eos", "stop"

struct GenerationJob {
  TokenIds prompt;                // at least one token
  int32_t max_new_tokens = 0;
  SamplingOptions sampling;
  std::optional<int32_t> eos_id;  // finish after generating this id
  // Called after every new token with all tokens generated so far; returning true finishes the
  // sequence (GenerationEnd::Stop). The harness checks decoded stop strings here.
  std::function<bool(const TokenIds& generated)> stop;
};

struct GenerationResult {
  TokenIds tokens;  // the new tokens, the EOS or stop-causing token included
  GenerationEnd end = GenerationEnd::Length;
};

struct GenerationOptions {
  int64_t max_batch_rows = 8;      // sequences decoded together (slots)
  int64_t prefill_tokens = 8192;   // padded prompt tokens computed in one prefill pass (at least one prompt)
};

using GenerationCallback = std::function<void(size_t job_index, const GenerationResult& result)>;

std::vector<GenerationResult> generate(const MptModel& model, const std::vector<GenerationJob>& jobs,
                                       const GenerationOptions& options = {},
                                       const GenerationCallback& on_finish = {});

}  // namespace mpt
