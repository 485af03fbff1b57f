// MptConfig: both config.json flavours, defaults, resolution of derived values, and clear errors for
// settings the model cannot honour.
#include "models/mpt_config.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>

#include "common/error.h"
#include "models/mpt_tensors.h"
#include "tests/models/fixture_util.h"

namespace mpt::test {
namespace {

using nlohmann::json;

json hf_config() { return json::parse(R"({"model_type": "mpt", "d_model": 64, "n_heads": 4, "n_layers": 2,
  "vocab_size": 320, "max_seq_len": 64, "expansion_ratio": 4, "no_bias": true,
  "attn_config": {"alibi": true, "alibi_bias_max": 8, "attn_type": "multihead_attention"}})"); }

std::string error_of(const json& j) {
  try {
    MptConfig::from_json(j, "cfg.json");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    return e.what();
  }
  return "no error";
}

TEST(MptConfig, ReadsTheFixtureConfig) {
  MptConfig c = MptConfig::from_file(fixture("mpt-tiny/config.json"));
  EXPECT_EQ(c.d_model, 64);
  EXPECT_EQ(c.n_heads, 4);
  EXPECT_EQ(c.kv_n_heads, 4);
  EXPECT_EQ(c.n_layers, 2);
  EXPECT_EQ(c.ffn_hidden, 256);
  EXPECT_EQ(c.vocab_size, 320);
  EXPECT_EQ(c.max_seq_len, 64);
  EXPECT_TRUE(c.no_bias);
  EXPECT_TRUE(c.alibi);
  EXPECT_FALSE(c.learned_pos_emb);  // LLM Foundry turns learned positions off under ALiBi
  EXPECT_DOUBLE_EQ(c.softmax_scale, 1.0 / std::sqrt(16.0));
  EXPECT_DOUBLE_EQ(c.norm_eps, 1e-5);
  EXPECT_FALSE(c.logit_scale.has_value());
  EXPECT_EQ(parameter_count(c), 119104);  // the fixture index's total_parameters
}

TEST(MptConfig, ReadsTheLlmFoundryFlavour) {
  json j = json::parse(R"({"d_model": 48, "n_heads": 6, "n_layers": 1, "vocab_size": 50, "norm_eps": 1e-6,
    "no_bias": false, "logit_scale": "inv_sqrt_d_model", "norm_type": "low_precision_rmsnorm",
    "auto_map": {"AutoConfig": "configuration_mpt.MPTConfig"},
    "ffn_config": {"ffn_type": "mptmlp", "ffn_hidden_size": 100},
    "attn_config": {"attn_type": "grouped_query_attention", "kv_n_heads": 2, "alibi": true, "qk_ln": true,
                    "clip_qkv": 6, "softmax_scale": 0.5, "attn_impl": "flash"}})");
  MptConfig c = MptConfig::from_json(j, "cfg");
  EXPECT_EQ(c.kv_n_heads, 2);
  EXPECT_EQ(c.ffn_hidden, 100);
  EXPECT_DOUBLE_EQ(c.norm_eps, 1e-6);
  EXPECT_EQ(c.norm_type, NormType::RmsNorm);
  EXPECT_FALSE(c.no_bias);
  EXPECT_TRUE(c.attention_bias);
  EXPECT_TRUE(c.qk_ln);
  EXPECT_DOUBLE_EQ(*c.clip_qkv, 6);
  EXPECT_DOUBLE_EQ(c.softmax_scale, 0.5);
  EXPECT_DOUBLE_EQ(*c.logit_scale, 1 / std::sqrt(48.0));
}

TEST(MptConfig, FlavourDefaultsDiffer) {
  // HF's MptConfig defaults: no_bias true, ALiBi on. LLM Foundry's: no_bias false, ALiBi off.
  MptConfig hf = MptConfig::from_json(json{{"model_type", "mpt"}}, "hf");
  EXPECT_TRUE(hf.no_bias);
  EXPECT_TRUE(hf.alibi);
  EXPECT_EQ(hf.d_model, 2048);
  EXPECT_EQ(hf.vocab_size, 50368);
  MptConfig lf = MptConfig::from_json(json{{"init_config", json::object()}}, "lf");
  EXPECT_FALSE(lf.no_bias);
  EXPECT_FALSE(lf.alibi);
  EXPECT_TRUE(lf.learned_pos_emb);
}

TEST(MptConfig, MultiQueryAttentionHasOneKvHead) {
  json j = hf_config();
  j["attn_config"]["attn_type"] = "multiquery_attention";
  EXPECT_EQ(MptConfig::from_json(j, "cfg").kv_n_heads, 1);
}

TEST(MptConfig, ToJsonRoundTrips) {
  json j = hf_config();
  j["no_bias"] = false;
  j["expansion_ratio"] = 3;
  j["logit_scale"] = 0.25;
  j["attn_config"]["attn_type"] = "grouped_query_attention";
  j["attn_config"]["kv_n_heads"] = 2;
  j["attn_config"]["qk_ln"] = true;
  j["attn_config"]["clip_qkv"] = 0.5;
  j["attn_config"]["fused_qkv"] = false;
  MptConfig c = MptConfig::from_json(j, "cfg");
  EXPECT_EQ(MptConfig::from_json(c.to_json(), "again"), c);
  c.ffn_hidden = 100;  // not a multiple of d_model: written as ffn_config.ffn_hidden_size
  EXPECT_EQ(MptConfig::from_json(c.to_json(), "again"), c);
}

TEST(MptConfig, PresetsMatchTheRealModels) {
  MptConfig m7 = MptConfig::preset("mpt-7b");
  EXPECT_EQ(m7.d_model, 4096);
  EXPECT_EQ(m7.n_layers, 32);
  EXPECT_EQ(m7.vocab_size, 50432);
  EXPECT_NEAR(static_cast<double>(parameter_count(m7)), 6.65e9, 0.01e9);  // MPT-7B: 6.7B parameters
  MptConfig m30 = MptConfig::preset("mpt-30b");
  EXPECT_EQ(m30.max_seq_len, 8192);
  EXPECT_NEAR(static_cast<double>(parameter_count(m30)), 29.95e9, 0.05e9);  // MPT-30B: 29.95B
  EXPECT_NEAR(static_cast<double>(parameter_count(MptConfig::preset("mpt-125m"))), 125e6, 3e6);
  EXPECT_THROW(MptConfig::preset("mpt-8b"), Error);
}

struct BadCase {
  const char* patch;     // JSON merge patch applied to hf_config()
  const char* message;   // expected substring of the error
};

TEST(MptConfig, RejectsBadValuesNamingTheKeyAndTheFile) {
  const BadCase cases[] = {
      BadCase{R"({"n_heads": 5})", "bad config value for 'n_heads' (cfg.json): expected a divisor of d_model = 64, found number 5"},
      BadCase{R"({"d_model": "64"})", "bad config value for 'd_model' (cfg.json): expected an integer >= 1, found string"},
      BadCase{R"({"n_layers": 0})", "bad config value for 'n_layers'"},
      BadCase{R"({"expansion_ratio": 1.01})", "bad config value for 'expansion_ratio'"},
      BadCase{R"({"norm_type": "batchnorm"})", "bad config value for 'norm_type'"},
      BadCase{R"({"logit_scale": "sqrt_d_model"})", "bad config value for 'logit_scale'"},
      BadCase{R"({"model_type": "llama"})", "bad config value for 'model_type'"},
      BadCase{R"({"embedding_fraction": 0})", "bad config value for 'embedding_fraction'"},
      BadCase{R"({"attn_config": {"attn_type": "cross_attention"}})", "bad config value for 'attn_config.attn_type'"},
      BadCase{R"({"attn_config": {"attn_type": "grouped_query_attention"}})",
                "bad config value for 'attn_config.kv_n_heads' (cfg.json): expected the number of key/value heads"},
      BadCase{R"({"attn_config": {"attn_type": "grouped_query_attention", "kv_n_heads": 3}})",
                "expected a divisor of n_heads = 4, found number 3"},
      BadCase{R"({"attn_config": {"clip_qkv": -1}})", "bad config value for 'attn_config.clip_qkv'"},
      BadCase{R"({"attn_config": {"alibi": "yes"}})", "bad config value for 'attn_config.alibi' (cfg.json): expected true or false"},
      BadCase{R"({"attn_config": {"prefix_lm": true}})", "unsupported config setting 'attn_config.prefix_lm'"},
      BadCase{R"({"attn_config": {"rope": true}})", "unsupported config setting 'attn_config.rope'"},
      BadCase{R"({"attn_config": {"sliding_window_size": 128}})", "unsupported config setting 'attn_config.sliding_window_size'"},
      BadCase{R"({"attn_config": {"qk_gn": true}})", "unsupported config setting 'attn_config.qk_gn'"},
      BadCase{R"({"ffn_config": {"ffn_type": "mptglu"}})", "unsupported config setting 'ffn_config.ffn_type'"},
      BadCase{R"({"ffn_config": {"ffn_act_fn": {"name": "relu"}}})", "unsupported config setting 'ffn_config.ffn_act_fn'"},
      BadCase{R"({"final_logit_softcapping": 30})", "unsupported config setting 'final_logit_softcapping'"},
      BadCase{R"({"head_dim": 32})", "unsupported config setting 'head_dim'"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.patch);
    json j = hf_config();
    j.merge_patch(json::parse(c.patch));
    std::string msg = error_of(j);
    EXPECT_NE(msg.find(c.message), std::string::npos) << msg;
    EXPECT_NE(msg.find("cfg.json"), std::string::npos) << msg;
  }
}

TEST(MptConfig, NotAnObjectOrNotJson) {
  EXPECT_NE(error_of(json::array()).find("config must be a JSON object"), std::string::npos);
}

}  // namespace
}  // namespace mpt::test
