// Invariance of the forward pass: padding, batching, KV caching and prefix sharing must not change a
// sequence's logits beyond float32 rounding. Uses the tensor API (ATen) directly.
//
// Tolerances: 1e-5 for padding/batching (the project's bound; the same float32 operations run on
// differently shaped tensors, so only the order of a few reductions changes) and 1e-4 for cached or
// prefix-shared computation against a full pass (different but equivalent operation sequences;
// the project's bound for cached decoding).
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>

#include "models/kv_cache.h"
#include "models/mpt_model.h"
#include "models/slot_cache.h"
#include "models/random_checkpoint.h"
#include "tests/models/fixture_util.h"

namespace mpt::test {
namespace {

TokenIds tokens(int n, int salt, int vocab = 320) {
  TokenIds ids;
  for (int i = 0; i < n; ++i) ids.push_back((i * 37 + salt * 101 + 7) % vocab);
  return ids;
}

double diff(const std::vector<float>& a, const std::vector<float>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(double(a[i]) - b[i]));
  return worst;
}

// Row `row` of float32 logits [B, T, V] as a vector.
std::vector<float> row_of(const at::Tensor& logits, int64_t b, int64_t t) {
  at::Tensor r = logits.select(0, b).select(0, t).contiguous();
  return {r.data_ptr<float>(), r.data_ptr<float>() + r.numel()};
}

// The fixture, and a random GQA / qk_ln / bias model, so that the invariances hold for more than MHA.
std::string model_dir(const std::string& which) {
  if (which == "fixture") return fixture("mpt-tiny");
  const std::string dir = ::testing::TempDir() + "/invariance-gqa";
  if (!std::filesystem::exists(dir + "/config.json")) {
    auto j = nlohmann::json::parse(R"({"model_type": "mpt", "d_model": 48, "n_heads": 6, "n_layers": 2,
        "vocab_size": 320, "max_seq_len": 64, "no_bias": false, "expansion_ratio": 3,
        "attn_config": {"attn_type": "grouped_query_attention", "kv_n_heads": 2, "qk_ln": true, "alibi": true}})");
    write_random_checkpoint(MptConfig::from_json(j, "gqa"),
                            {.seed = 5, .std = 0.1, .randomize_norms = true, .overwrite = true}, dir);
  }
  return dir;
}

class Invariance : public ::testing::Test {
 protected:
  // Runs `check` on each model.
  template <class F>
  static void for_each_model(F check) {
    for (std::string which : {"fixture", "gqa_qkln_bias"}) {
      SCOPED_TRACE(which);
      check(which, MptModel::load(model_dir(which)));
    }
  }
};

TEST_F(Invariance, PaddedBatchOfEightMixedLengthsMatchesEachAlone) {
  for_each_model([](const std::string& which, std::unique_ptr<MptModel> model) {
    std::vector<TokenIds> rows;
    int s = 0;
    for (int n : {1, 3, 7, 12, 20, 33, 5, 64}) rows.push_back(tokens(n, s++));
    auto batch = model->logits(rows);
    double worst = 0;
    for (size_t b = 0; b < rows.size(); ++b) {
      auto alone = model->logits(rows[b]);
      for (size_t t = 0; t < rows[b].size(); ++t) worst = std::max(worst, diff(batch[b][t], alone[t]));
    }
    std::printf("%s: batch of 8 vs alone: max |diff| = %.3g\n", which.c_str(), worst);
    EXPECT_LT(worst, 1e-5);
  });
}

TEST_F(Invariance, CachedIncrementalDecodingMatchesFullRecomputation) {
  for_each_model([](const std::string& which, std::unique_ptr<MptModel> model) {
    const TokenIds seq = tokens(40, 3);
    auto full = model->logits(seq);
    KVCache cache = model->new_cache(1, 4);  // small, so the cache has to grow
    double worst = 0;
    size_t done = 0;
    for (size_t chunk : {5, 1, 1, 3, 1, 29}) {
      TokenIds part(seq.begin() + done, seq.begin() + done + chunk);
      at::Tensor logits = model->unembed(model->hidden_extending(cache, {part}));
      for (size_t t = 0; t < chunk; ++t) worst = std::max(worst, diff(row_of(logits, 0, t), full[done + t]));
      done += chunk;
    }
    EXPECT_EQ(done, seq.size());
    EXPECT_EQ(cache.length(), 40);
    EXPECT_GE(cache.capacity(), 40);
    std::printf("%s: cached vs full: max |diff| = %.3g\n", which.c_str(), worst);
    EXPECT_LT(worst, 1e-4);
  });
}

TEST_F(Invariance, RightPaddedChunksLeaveMaskedHolesInTheCache) {
  for_each_model([](const std::string& which, std::unique_ptr<MptModel> model) {
    const std::vector<TokenIds> seqs = {tokens(9, 1), tokens(4, 2), tokens(13, 3)};
    const std::vector<std::vector<size_t>> cuts = {{5, 9}, {2, 4}, {5, 13}};  // chunk ends per row
    KVCache cache = model->new_cache(3, 8);
    double worst = 0;
    for (size_t c = 0; c < 2; ++c) {
      std::vector<TokenIds> chunk(3);
      for (size_t b = 0; b < 3; ++b) {
        size_t from = c == 0 ? 0 : cuts[b][0];
        chunk[b].assign(seqs[b].begin() + from, seqs[b].begin() + cuts[b][c]);
      }
      at::Tensor logits = model->unembed(model->hidden_extending(cache, chunk));
      for (size_t b = 0; b < 3; ++b) {
        auto full = model->logits(seqs[b]);
        size_t from = c == 0 ? 0 : cuts[b][0];
        for (size_t t = 0; t < chunk[b].size(); ++t)
          worst = std::max(worst, diff(row_of(logits, b, t), full[from + t]));
      }
    }
    std::printf("%s: chunked with holes vs full: max |diff| = %.3g\n", which.c_str(), worst);
    EXPECT_LT(worst, 1e-4);
  });
}

TEST_F(Invariance, SharedPrefixContinuationsMatchSeparateFullPasses) {
  for_each_model([](const std::string& which, std::unique_ptr<MptModel> model) {
    const TokenIds prefix = tokens(10, 4);
    const std::vector<TokenIds> conts = {tokens(3, 5), tokens(1, 6), tokens(6, 7)};
    KVCache cache = model->new_cache(1, prefix.size());
    model->hidden_extending(cache, {prefix});
    at::Tensor logits = model->unembed(model->hidden_after(cache, conts));
    double worst = 0;
    for (size_t b = 0; b < conts.size(); ++b) {
      TokenIds whole = prefix;
      whole.insert(whole.end(), conts[b].begin(), conts[b].end());
      auto full = model->logits(whole);
      for (size_t t = 0; t < conts[b].size(); ++t)
        worst = std::max(worst, diff(row_of(logits, b, t), full[prefix.size() + t]));
    }
    EXPECT_EQ(cache.length(), 10);  // read only
    // One prefix per row (different lengths, so the prefix cache itself has padding holes).
    const std::vector<TokenIds> prefixes = {tokens(4, 8), tokens(10, 9), tokens(7, 10)};
    KVCache per_row = model->new_cache(3, 10);
    model->hidden_extending(per_row, prefixes);
    at::Tensor logits2 = model->unembed(model->hidden_after(per_row, conts));
    for (size_t b = 0; b < conts.size(); ++b) {
      TokenIds whole = prefixes[b];
      whole.insert(whole.end(), conts[b].begin(), conts[b].end());
      auto full = model->logits(whole);
      for (size_t t = 0; t < conts[b].size(); ++t)
        worst = std::max(worst, diff(row_of(logits2, b, t), full[prefixes[b].size() + t]));
    }
    std::printf("%s: prefix-shared vs full: max |diff| = %.3g\n", which.c_str(), worst);
    EXPECT_LT(worst, 1e-4);
  });
}

TEST_F(Invariance, BranchedRowsMatchEachBranchRunAfterItsTrunkAlone) {
  for_each_model([](const std::string& which, std::unique_ptr<MptModel> model) {
    // Row 0: a multiple-choice question (three branches, one empty); row 1: one branch; row 2: a
    // trunk alone. Rows of different lengths, so rows 1 and 2 are padded.
    const std::vector<BranchedRow> rows = {{tokens(9, 1), {tokens(3, 2), tokens(5, 3), {}}},
                                           {tokens(4, 4), {tokens(2, 5)}},
                                           {tokens(6, 6), {}}};
    at::Tensor logits = model->unembed(model->hidden_branched(rows));  // [3, T, V]
    double worst = 0;
    for (size_t b = 0; b < rows.size(); ++b) {
      auto trunk = model->logits(rows[b].trunk);
      for (size_t t = 0; t < rows[b].trunk.size(); ++t) worst = std::max(worst, diff(row_of(logits, b, t), trunk[t]));
      size_t column = rows[b].trunk.size();
      for (const TokenIds& branch : rows[b].branches) {
        TokenIds whole = rows[b].trunk;
        whole.insert(whole.end(), branch.begin(), branch.end());
        auto full = model->logits(whole);
        for (size_t t = 0; t < branch.size(); ++t, ++column)
          worst = std::max(worst, diff(row_of(logits, b, column), full[rows[b].trunk.size() + t]));
      }
    }
    std::printf("%s: branched rows vs each branch after its trunk: max |diff| = %.3g\n", which.c_str(), worst);
    EXPECT_LT(worst, 1e-4);  // same operations on differently shaped tensors (the cached-decoding bound)
  });
}

TEST_F(Invariance, SlotDecodingMatchesFullRecomputationWhileSlotsAreRefilled) {
  for_each_model([](const std::string& which, std::unique_ptr<MptModel> model) {
    // Two slots; sequence c replaces a in slot 0 halfway, while b goes on in slot 1.
    const TokenIds a = tokens(12, 1), b = tokens(7, 2), c = tokens(15, 3);
    SlotCache slots = model->new_slot_cache(2, 20);
    auto prefill = [&](const std::vector<TokenIds>& prompts, const std::vector<int64_t>& into) {
      std::vector<TokenIds> heads;  // the last 3 tokens of each are decoded one by one
      for (const TokenIds& p : prompts) heads.emplace_back(p.begin(), p.end() - 3);
      model->prefill_slots(heads, into, slots);
    };
    auto step = [&](int32_t id0, int32_t id1) {
      at::Tensor ids = at::empty({2, 1}, at::kLong);
      ids.data_ptr<int64_t>()[0] = id0;
      ids.data_ptr<int64_t>()[1] = id1;
      return model->unembed(model->forward_slots(ids, slots));  // [2, 1, V]
    };
    double worst = 0;
    prefill({a, b}, {0, 1});
    auto full_a = model->logits(a), full_b = model->logits(b), full_c = model->logits(c);
    for (int i = 0; i < 3; ++i) {
      at::Tensor l = step(a[9 + i], b[4 + i]);
      worst = std::max({worst, diff(row_of(l, 0, 0), full_a[9 + i]), diff(row_of(l, 1, 0), full_b[4 + i])});
    }
    slots.release(1);  // b is done; slot 1 decodes garbage from now on
    prefill({c}, {0});  // c takes slot 0 (a's keys are overwritten or masked)
    EXPECT_EQ(slots.lengths(), (std::vector<int64_t>{12, 0}));
    for (int i = 0; i < 3; ++i) worst = std::max(worst, diff(row_of(step(c[12 + i], 0), 0, 0), full_c[12 + i]));
    slots.keep({0});
    ASSERT_EQ(slots.slots(), 1);
    EXPECT_EQ(slots.lengths(), (std::vector<int64_t>{15}));
    std::printf("%s: slot decoding with refill vs full: max |diff| = %.3g\n", which.c_str(), worst);
    EXPECT_LT(worst, 1e-4);  // cached decoding's bound
  });
}

TEST_F(Invariance, SequencesPastMaxSeqLenWorkWithAlibi) {
  auto model = MptModel::load(fixture("mpt-tiny"));  // max_seq_len 64
  const TokenIds seq = tokens(80, 11);
  auto longer = model->logits(seq);
  auto shorter = model->logits(TokenIds(seq.begin(), seq.begin() + 64));
  double worst = 0;
  for (size_t t = 0; t < 64; ++t) worst = std::max(worst, diff(longer[t], shorter[t]));
  EXPECT_LT(worst, 1e-5);  // causal: the extra tokens do not change earlier positions
  for (float x : longer[79]) ASSERT_TRUE(std::isfinite(x));
}

TEST_F(Invariance, Bfloat16StaysCloseToFloat32) {
  auto f32 = MptModel::load(fixture("mpt-tiny"));
  auto bf16 = MptModel::load(fixture("mpt-tiny"), {.dtype = DType::BF16});
  const TokenIds seq = tokens(33, 12);
  auto a = f32->logits(seq), b = bf16->logits(seq);
  double worst = 0;
  for (size_t t = 0; t < seq.size(); ++t) worst = std::max(worst, diff(a[t], b[t]));
  std::printf("bf16 vs fp32 on the fixture (33 tokens): max |diff| = %.3g\n", worst);
  // On CPU a bf16 model computes in float32 with bf16-rounded weights (relative error 2^-9 each);
  // logits of magnitude ~1 move by ~1e-2. 0.1 would mean a real error.
  EXPECT_LT(worst, 0.1);
}

TEST_F(Invariance, CacheRowSelectionKeepsTheChosenRows) {
  auto model = MptModel::load(fixture("mpt-tiny"));
  const std::vector<TokenIds> rows = {tokens(6, 1), tokens(3, 2), tokens(5, 3)};
  KVCache cache = model->new_cache(3, 8);
  model->hidden_extending(cache, rows);
  cache.select_rows({2, 0});
  ASSERT_EQ(cache.batch(), 2);
  at::Tensor logits = model->unembed(model->hidden_extending(cache, {{17}, {18}}));
  TokenIds a = rows[2], b = rows[0];
  a.push_back(17);
  b.push_back(18);
  EXPECT_LT(diff(row_of(logits, 0, 0), model->logits(a).back()), 1e-4);
  EXPECT_LT(diff(row_of(logits, 1, 0), model->logits(b).back()), 1e-4);
}

}  // namespace
}  // namespace mpt::test
