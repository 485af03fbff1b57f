// The response cache: model answers stored by a key over everything that determines them, so that
// an identical request is never computed twice (across runs, and when a run is resumed).
//
// The key is sha256 over: a format tag; the model identity (checkpoint content hash, dtype, device
// class); the request kind; its token sequences; its generation parameters; its seed; its sample
// index. A ResponseCache is bound to one model, and lookups also match the stored model identity,
// so a different checkpoint (even at the same path: the content hash differs) never sees another
// model's entries. Device class and dtype are part of the identity because numerics differ.
//
// Entries live in the results database (table response_cache): one file to keep or copy, written
// by the same WAL connection and transactions as the results. `ResponseCache(store, model, false)`
// (the runner's --no-cache) reads and writes nothing.
//
//   ResponseCache cache(store, {checkpoint.hash, "bfloat16", "cuda"});
//   CacheRequest req{"generate", {prompt_ids}, {{"max_new_tokens", 512}, {"temperature", 0.2}}, seed, sample};
//   std::string key = cache.key(req);
//   if (auto hit = cache.get(key)) use(*hit); else { auto r = model(...); cache.put(key, req.kind, to_json(r)); }
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "results/store.h"

namespace mpt::results {

struct ModelIdentity {
  std::string content_hash;  // hash_checkpoint(...).hash
  std::string dtype;         // "float32", "bfloat16", ...
  std::string device_class;  // "cpu", "cuda"
  std::string to_string() const;  // "<content_hash>/<dtype>/<device_class>"
};

// Everything about a request that can change its response.
struct CacheRequest {
  std::string kind;                                  // "loglikelihood" or "generate"
  std::vector<std::vector<int32_t>> token_sequences; // {context, continuation} or {prompt}
  nlohmann::json generation = nlohmann::json::object();  // max_new_tokens, stop, temperature, top_k, top_p, stop_at_eos
  uint64_t seed = 0;
  int64_t sample_index = 0;                          // i of n samples for pass@k
};

// Hex sha256 key. Runtime error when the identity lacks its content hash, dtype or device class.
std::string response_cache_key(const ModelIdentity& model, const CacheRequest& request);

struct CacheEntry {
  std::string key;
  std::string kind;
  nlohmann::json response;
};

// Keeps a prepared lookup statement on the store's connection: the Store must outlive the cache.
class ResponseCache {
 public:
  ResponseCache(Store& store, ModelIdentity model, bool enabled = true);

  bool enabled() const { return enabled_; }
  const ModelIdentity& model() const { return model_; }
  std::string key(const CacheRequest& request) const { return response_cache_key(model_, request); }

  // The stored response for `key` (made by this model), or nullopt (always when disabled).
  std::optional<nlohmann::json> get(const std::string& key);
  // Stores responses; an existing key keeps its first value. One transaction per call.
  void put(const std::string& key, const std::string& kind, const nlohmann::json& response);
  void put_batch(std::span<const CacheEntry> entries);

  int64_t hits() const { return hits_; }
  int64_t misses() const { return misses_; }

 private:
  Store& store_;
  std::optional<Statement> lookup_;  // prepared on first get()
  ModelIdentity model_;
  std::string model_string_;
  bool enabled_;
  int64_t hits_ = 0;
  int64_t misses_ = 0;
};

}  // namespace mpt::results
