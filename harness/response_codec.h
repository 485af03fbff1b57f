// Model requests and responses as the response cache stores them (results/response_cache.h):
// the cache request that keys a model request, and responses to and from JSON. Doubles and floats
// round-trip exactly, so a cached answer scores bit for bit like a computed one.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>

#include "results/response_cache.h"
#include "tasks/requests.h"

namespace mpt {

// {"loglikelihood", {context, continuation}}.
results::CacheRequest cache_request(const LoglikelihoodRequest& request);
// {"generate", {prompt}, {max_new_tokens, stop, temperature, top_k, top_p, stop_at_eos}, seed,
// sample_index}. `sample_index` is i of the n samples of one code problem (0 otherwise).
results::CacheRequest cache_request(const GenerateRequest& request, int64_t sample_index);

nlohmann::json to_json(const LoglikelihoodResponse& response);
nlohmann::json to_json(const GenerateResponse& response);
// Throw mpt::Error (Runtime) naming the cache when a stored entry lacks a field or has the wrong type.
LoglikelihoodResponse loglikelihood_response_from_json(const nlohmann::json& j);
GenerateResponse generate_response_from_json(const nlohmann::json& j);

}  // namespace mpt
