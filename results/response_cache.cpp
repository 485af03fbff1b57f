#include "results/response_cache.h"

#include "common/error.h"
#include "common/sha256.h"

namespace mpt::results {
namespace {

void check_identity(const ModelIdentity& m) {
  if (m.content_hash.empty() || m.dtype.empty() || m.device_class.empty())
    throw runtime_error("incomplete model identity for the response cache", "ModelIdentity",
                        "content hash, dtype and device class", "'" + m.to_string() + "'");
}

// Length-prefixed fields: no two different requests produce the same byte stream.
void add_field(Sha256& h, const std::string& s) {
  h.update(std::to_string(s.size()) + ":");
  h.update(s);
}

}  // namespace

std::string ModelIdentity::to_string() const { return content_hash + "/" + dtype + "/" + device_class; }

std::string response_cache_key(const ModelIdentity& model, const CacheRequest& request) {
  check_identity(model);
  Sha256 h;
  add_field(h, "mpt-eval response cache v1");
  add_field(h, model.content_hash);
  add_field(h, model.dtype);
  add_field(h, model.device_class);
  add_field(h, request.kind);
  add_field(h, std::to_string(request.token_sequences.size()));
  for (const std::vector<int32_t>& seq : request.token_sequences) {
    add_field(h, std::to_string(seq.size()));
    for (int32_t t : seq) {  // little-endian bytes, whatever the host order
      uint32_t u = static_cast<uint32_t>(t);
      uint8_t b[4] = {uint8_t(u), uint8_t(u >> 8), uint8_t(u >> 16), uint8_t(u >> 24)};
      h.update(b, 4);
    }
  }
  add_field(h, request.generation.dump());  // nlohmann objects keep keys sorted: canonical text
  add_field(h, std::to_string(request.seed));
  add_field(h, std::to_string(request.sample_index));
  return h.hex_digest();
}

ResponseCache::ResponseCache(Store& store, ModelIdentity model, bool enabled)
    : store_(store), model_(std::move(model)), model_string_(model_.to_string()), enabled_(enabled) {
  check_identity(model_);
}

std::optional<nlohmann::json> ResponseCache::get(const std::string& key) {
  if (!enabled_) return std::nullopt;
  if (!lookup_)
    lookup_.emplace(store_.db().prepare("SELECT response FROM response_cache WHERE key = ? AND model_identity = ?"));
  Statement& st = *lookup_;
  st.reset();
  st.bind(1, key).bind(2, model_string_);
  if (!st.step()) {
    ++misses_;
    return std::nullopt;
  }
  ++hits_;
  nlohmann::json response = nlohmann::json::parse(st.get_text(0));
  st.reset();  // releases the read snapshot, so a long-lived cache does not pin the WAL
  return response;
}

void ResponseCache::put(const std::string& key, const std::string& kind, const nlohmann::json& response) {
  CacheEntry e{key, kind, response};
  put_batch(std::span<const CacheEntry>(&e, 1));
}

void ResponseCache::put_batch(std::span<const CacheEntry> entries) {
  if (!enabled_ || entries.empty()) return;
  store_.db().write_transaction([&] {
    Statement st = store_.db().prepare(
        "INSERT INTO response_cache (key, model_identity, kind, response, created_at) "
        "VALUES (?,?,?,?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) ON CONFLICT DO NOTHING");
    for (const CacheEntry& e : entries) {
      st.bind(1, e.key).bind(2, model_string_).bind(3, e.kind).bind(4, e.response.dump());
      st.run();
      st.reset();
    }
  });
}

}  // namespace mpt::results
