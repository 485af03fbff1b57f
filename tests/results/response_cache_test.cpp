// The response cache: keys cover everything that changes a response, and a different model
// (another checkpoint at the same path included) never sees another model's entries.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "results/content_hash.h"
#include "results/response_cache.h"
#include "tests/results/run_builder.h"

using namespace mpt;
using namespace mpt::results;
namespace fs = std::filesystem;

namespace {

CacheRequest generate_request() {
  return {"generate", {{11, 22, 33}}, {{"max_new_tokens", 64}, {"temperature", 0.2}, {"top_p", 0.95}}, 7, 0};
}

void write_checkpoint(const fs::path& dir, const std::string& weights) {
  fs::create_directories(dir);
  std::ofstream(dir / "config.json") << R"({"model_type": "mpt"})";
  std::ofstream(dir / "model.safetensors", std::ios::binary) << weights;
}

}  // namespace

TEST(ResponseCacheKey, ChangesWithEveryIngredient) {
  ModelIdentity m{"hash-a", "bfloat16", "cuda"};
  CacheRequest base = generate_request();
  std::string k = response_cache_key(m, base);
  EXPECT_EQ(k, response_cache_key(m, generate_request()));
  EXPECT_EQ(k.size(), 64u);
  std::vector<std::pair<const char*, std::function<void(ModelIdentity&, CacheRequest&)>>> changes = {
      {"model hash", [](ModelIdentity& m, CacheRequest&) { m.content_hash = "hash-b"; }},
      {"dtype", [](ModelIdentity& m, CacheRequest&) { m.dtype = "float32"; }},
      {"device class", [](ModelIdentity& m, CacheRequest&) { m.device_class = "cpu"; }},
      {"kind", [](ModelIdentity&, CacheRequest& r) { r.kind = "loglikelihood"; }},
      {"token", [](ModelIdentity&, CacheRequest& r) { r.token_sequences[0][2] = 34; }},
      {"split", [](ModelIdentity&, CacheRequest& r) { r.token_sequences = {{11, 22}, {33}}; }},
      {"generation", [](ModelIdentity&, CacheRequest& r) { r.generation["temperature"] = 0.3; }},
      {"stop", [](ModelIdentity&, CacheRequest& r) { r.generation["stop"] = {"\n"}; }},
      {"seed", [](ModelIdentity&, CacheRequest& r) { r.seed = 8; }},
      {"sample", [](ModelIdentity&, CacheRequest& r) { r.sample_index = 1; }},
  };
  for (auto& [name, change] : changes) {
    ModelIdentity m2 = m;
    CacheRequest r2 = generate_request();
    change(m2, r2);
    EXPECT_NE(response_cache_key(m2, r2), k) << name;
  }
  EXPECT_THROW(response_cache_key({"", "bfloat16", "cuda"}, base), Error);
}

TEST(ResponseCache, HitsMissesAndFirstValueWins) {
  Store store = Store::open(test::temp_dir("cache") + "/c.db");
  ResponseCache cache(store, {"hash-a", "float32", "cpu"});
  std::string key = cache.key(generate_request());
  EXPECT_FALSE(cache.get(key));
  cache.put(key, "generate", {{"text", "first"}});
  cache.put(key, "generate", {{"text", "second"}});
  ASSERT_TRUE(cache.get(key));
  EXPECT_EQ((*cache.get(key))["text"], "first");
  EXPECT_EQ(cache.hits(), 2);
  EXPECT_EQ(cache.misses(), 1);
  ResponseCache off(store, {"hash-a", "float32", "cpu"}, false);  // --no-cache
  EXPECT_FALSE(off.get(key));
  off.put(cache.key(CacheRequest{"generate", {{1}}, {}, 0, 0}), "generate", {{"text", "x"}});
  EXPECT_FALSE(cache.get(cache.key(CacheRequest{"generate", {{1}}, {}, 0, 0})));
}

// The bug this guards against: results of one checkpoint returned for another one that was later
// written to the same directory.
TEST(ResponseCache, ADifferentCheckpointAtTheSamePathNeverHitsTheOthersEntries) {
  std::string root = test::temp_dir("cache");
  Store store = Store::open(root + "/c.db");
  fs::path path = fs::path(root) / "checkpoints" / "latest";

  write_checkpoint(path, "weights of step 1000");
  ModelIdentity first{hash_checkpoint(store, path.string()).hash, "bfloat16", "cuda"};
  ResponseCache cache_first(store, first);
  std::vector<CacheEntry> entries;
  std::vector<std::string> keys;
  for (int i = 0; i < 50; ++i) {
    CacheRequest r{"loglikelihood", {{i, i + 1}, {i + 2}}, {}, 0, 0};
    keys.push_back(cache_first.key(r));
    entries.push_back({keys.back(), r.kind, {{"logprob", -i}}});
  }
  cache_first.put_batch(entries);
  for (const std::string& k : keys) ASSERT_TRUE(cache_first.get(k));

  // The trainer overwrites the directory with the next checkpoint: same path, same file names,
  // even the same size.
  fs::remove_all(path);
  write_checkpoint(path, "weights of step 2000");
  ModelIdentity second{hash_checkpoint(store, path.string()).hash, "bfloat16", "cuda"};
  ASSERT_NE(second.content_hash, first.content_hash);
  ResponseCache cache_second(store, second);
  for (int i = 0; i < 50; ++i) {
    CacheRequest r{"loglikelihood", {{i, i + 1}, {i + 2}}, {}, 0, 0};
    EXPECT_FALSE(cache_second.get(cache_second.key(r))) << i;
    EXPECT_FALSE(cache_second.get(keys[static_cast<size_t>(i)])) << "raw key of the other model, " << i;
  }
  EXPECT_EQ(cache_second.hits(), 0);
  // The first model's entries are still there for it.
  ResponseCache again(store, first);
  EXPECT_TRUE(again.get(keys[0]));
}
