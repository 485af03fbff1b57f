#include "models/mpt_config.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <set>
#include <vector>

#include "common/error.h"
#include "common/jsonl.h"
#include "common/log.h"

namespace mpt {
namespace {

using nlohmann::json;

// Typed access to one JSON object (the config or its attn_config / ffn_config), with errors that
// name the file and the dotted key.
class Keys {
 public:
  Keys(const json& obj, std::string prefix, std::string where)
      : obj_(obj), prefix_(std::move(prefix)), where_(std::move(where)) {}

  bool has(const std::string& k) const { return obj_.contains(k) && !obj_.at(k).is_null(); }
  const json* get(const std::string& k) const { return has(k) ? &obj_.at(k) : nullptr; }

  [[noreturn]] void fail(const std::string& k, const std::string& expected) const {
    const json* v = obj_.contains(k) ? &obj_.at(k) : nullptr;
    throw input_error("bad config value for '" + prefix_ + k + "'", where_, expected,
                      v ? describe_json(*v) : "no such key");
  }
  [[noreturn]] void unsupported(const std::string& k, const std::string& why) const {
    throw input_error("unsupported config setting '" + prefix_ + k + "' (" + why + ")", where_,
                      "a setting mpt-eval can honour", describe_json(obj_.at(k)));
  }

  int64_t integer(const std::string& k, int64_t dflt, int64_t min_value) const {
    const json* v = get(k);
    if (!v) return dflt;
    // LLM Foundry accepts integral floats (e.g. max_seq_len: 2048.0).
    double d = 0;
    if (v->is_number_integer()) d = static_cast<double>(v->get<int64_t>());
    else if (v->is_number_float()) d = v->get<double>();
    else fail(k, "an integer >= " + std::to_string(min_value));
    if (d != std::floor(d) || d < static_cast<double>(min_value) || d > 9.0e15)
      fail(k, "an integer >= " + std::to_string(min_value));
    return static_cast<int64_t>(d);
  }
  double number(const std::string& k, double dflt) const {
    const json* v = get(k);
    if (!v) return dflt;
    if (!v->is_number() || !std::isfinite(v->get<double>())) fail(k, "a finite number");
    return v->get<double>();
  }
  std::optional<double> optional_number(const std::string& k) const {
    if (!get(k)) return std::nullopt;
    return number(k, 0);
  }
  bool boolean(const std::string& k, bool dflt) const {
    const json* v = get(k);
    if (!v) return dflt;
    if (!v->is_boolean()) fail(k, "true or false");
    return v->get<bool>();
  }
  std::string string(const std::string& k, const std::string& dflt) const {
    const json* v = get(k);
    if (!v) return dflt;
    if (!v->is_string()) fail(k, "a string");
    return v->get<std::string>();
  }
  // Rejects a key whose value differs from the one setting the model can honour.
  void require_absent_or(const std::string& k, const json& allowed, const std::string& why) const {
    const json* v = get(k);
    if (v && *v != allowed) unsupported(k, why);
  }
  // Logs keys this reader does not know (typos, newer LLM Foundry options) so that nothing that
  // could change the forward pass passes unnoticed.
  void warn_unknown(const std::set<std::string>& known, log::Level level) const {
    for (const auto& [k, v] : obj_.items())
      if (!known.count(k) && log::enabled(level))
        log::write(level, fmt::format("config key '{}{}' ({}) is not used by mpt-eval", prefix_, k, where_));
  }

 private:
  const json& obj_;
  std::string prefix_;
  std::string where_;
};

const std::set<std::string> kTopLevelKeys = {
    "d_model", "n_heads", "n_layers", "expansion_ratio", "max_seq_len", "vocab_size", "no_bias",
    "attention_bias", "norm_type", "layer_norm_epsilon", "norm_eps", "logit_scale", "embedding_fraction",
    "learned_pos_emb", "tie_word_embeddings", "attn_config", "ffn_config", "head_dim", "block_overrides",
    "final_logit_softcapping", "torch_dtype", "dtype", "fc_type",
    // Accepted, no effect on evaluation: training, initialisation, bookkeeping.
    "architectures", "model_type", "transformers_version", "auto_map", "init_device", "init_config",
    "initializer_range", "resid_pdrop", "emb_pdrop", "use_cache", "bos_token_id", "eos_token_id",
    "pad_token_id", "verbose", "use_pad_tok_in_ffn", "name", "loss_fn", "return_dict", "_name_or_path"};

const std::set<std::string> kAttnKeys = {
    "attn_type", "kv_n_heads", "alibi", "alibi_bias_max", "clip_qkv", "qk_ln", "qk_gn", "softmax_scale",
    "prefix_lm", "attn_uses_sequence_id", "fused_qkv", "rope", "nope", "sliding_window_size",
    "attn_logit_softcapping", "kv_dim", "attn_temperature_tuning", "reuse_kv_layer_idx",
    "reuse_kv_x_layer_idx", "seq_parallel_world_size",
    // No effect on evaluation.
    "attn_pdrop", "attn_impl", "model_type", "rope_theta", "rope_impl", "rope_dail_config", "rope_hf_config"};

void read_attn_config(const json& a, const std::string& where, bool foundry, MptConfig& c) {
  if (!a.is_object()) throw input_error("bad config value for 'attn_config'", where, "an object", describe_json(a));
  Keys k(a, "attn_config.", where);
  std::string type = k.string("attn_type", "multihead_attention");
  if (type == "multihead_attention") c.kv_n_heads = c.n_heads;
  else if (type == "multiquery_attention") c.kv_n_heads = 1;
  else if (type == "grouped_query_attention") {
    if (!k.has("kv_n_heads")) k.fail("kv_n_heads", "the number of key/value heads for grouped_query_attention");
    c.kv_n_heads = k.integer("kv_n_heads", 0, 1);
  } else {
    k.fail("attn_type", "multihead_attention, multiquery_attention or grouped_query_attention");
  }
  if (c.n_heads % c.kv_n_heads != 0 || c.kv_n_heads > c.n_heads)
    k.fail("kv_n_heads", "a divisor of n_heads = " + std::to_string(c.n_heads));
  // HF's MptAttentionConfig defaults to ALiBi; LLM Foundry's attn_config_defaults do not.
  c.alibi = k.boolean("alibi", !foundry);
  c.alibi_bias_max = k.number("alibi_bias_max", 8);
  if (c.alibi_bias_max <= 0) k.fail("alibi_bias_max", "a positive number");
  c.clip_qkv = k.optional_number("clip_qkv");
  if (c.clip_qkv && *c.clip_qkv <= 0) k.fail("clip_qkv", "null or a positive number");
  c.qk_ln = k.boolean("qk_ln", false);
  auto scale = k.optional_number("softmax_scale");
  if (scale && *scale <= 0) k.fail("softmax_scale", "null or a positive number");
  c.softmax_scale = scale ? *scale : 1.0 / std::sqrt(static_cast<double>(c.d_model) / static_cast<double>(c.n_heads));
  c.attn_uses_sequence_id = k.boolean("attn_uses_sequence_id", false);
  c.fused_qkv = k.boolean("fused_qkv", true);

  k.require_absent_or("prefix_lm", false, "prefix-LM attention needs a bidirectional prefix mask");
  k.require_absent_or("qk_gn", false, "per-head group norm of q and k is not implemented");
  k.require_absent_or("rope", false, "rotary embeddings are not implemented");
  k.require_absent_or("nope", false, "NoPE layers are not implemented");
  k.require_absent_or("sliding_window_size", -1, "sliding-window attention is not implemented");
  k.require_absent_or("attn_logit_softcapping", nullptr, "attention logit soft-capping is not implemented");
  k.require_absent_or("kv_dim", nullptr, "cross-attention key/value inputs are not implemented");
  k.require_absent_or("reuse_kv_layer_idx", nullptr, "key/value reuse across layers is not implemented");
  k.require_absent_or("reuse_kv_x_layer_idx", nullptr, "key/value reuse across layers is not implemented");
  if (const json* t = k.get("attn_temperature_tuning")) {
    auto scale = t->is_object() ? t->find("attn_scale") : t->end();
    bool off = t->is_object() && (scale == t->end() || (scale->is_number() && scale->get<double>() == 0));
    if (!off) k.unsupported("attn_temperature_tuning", "attention temperature tuning is not implemented");
  }
  k.warn_unknown(kAttnKeys, log::Level::Warn);
}

void read_ffn_config(const json& f, const std::string& where, MptConfig& c) {
  if (!f.is_object()) throw input_error("bad config value for 'ffn_config'", where, "an object", describe_json(f));
  Keys k(f, "ffn_config.", where);
  k.require_absent_or("ffn_type", "mptmlp", "only the MLP feed-forward (ffn_type: mptmlp) is implemented");
  if (const json* act = k.get("ffn_act_fn")) {
    bool exact_gelu = act->is_object() && act->value("name", "") == "gelu" &&
                      act->value("approximate", "none") == "none" && act->size() <= 2;
    if (!exact_gelu) k.unsupported("ffn_act_fn", "only exact (erf) GELU is implemented");
  }
  if (k.has("ffn_hidden_size")) c.ffn_hidden = k.integer("ffn_hidden_size", 0, 1);
  k.warn_unknown({"ffn_type", "ffn_act_fn", "ffn_hidden_size", "fc_type", "bias"}, log::Level::Warn);
}

}  // namespace

MptConfig MptConfig::from_json(const json& j, const std::string& where) {
  if (!j.is_object()) throw input_error("config must be a JSON object", where, "an object", describe_json(j));
  Keys k(j, "", where);
  if (k.has("model_type") && k.string("model_type", "") != "mpt")
    k.fail("model_type", "\"mpt\" (this is an MPT evaluator)");
  // Defaults differ between the two flavours; configs written by either normally spell every key.
  bool foundry = j.contains("auto_map") || j.contains("norm_eps") || j.contains("ffn_config") ||
                 j.contains("init_config") || j.contains("fc_type");
  MptConfig c;
  c.d_model = k.integer("d_model", 2048, 1);
  c.n_heads = k.integer("n_heads", 16, 1);
  c.n_layers = k.integer("n_layers", 24, 1);
  c.max_seq_len = k.integer("max_seq_len", 2048, 1);
  c.vocab_size = k.integer("vocab_size", 50368, 1);
  if (c.d_model % c.n_heads != 0) k.fail("n_heads", "a divisor of d_model = " + std::to_string(c.d_model));
  if (k.has("head_dim") && k.integer("head_dim", 0, 1) != c.d_model / c.n_heads)
    k.unsupported("head_dim", "head_dim must be d_model / n_heads");

  double ratio = k.number("expansion_ratio", 4);
  double hidden = static_cast<double>(c.d_model) * ratio;
  if (ratio <= 0 || hidden != std::floor(hidden))
    k.fail("expansion_ratio", "a positive number with d_model * expansion_ratio an integer");
  c.ffn_hidden = static_cast<int64_t>(hidden);
  if (const json* f = k.get("ffn_config")) read_ffn_config(*f, where, c);

  c.no_bias = k.boolean("no_bias", !foundry);  // HF MptConfig: True; LLM Foundry: False
  c.attention_bias = k.boolean("attention_bias", !c.no_bias);

  std::string norm = k.string("norm_type", "low_precision_layernorm");
  if (norm == "layernorm" || norm == "low_precision_layernorm") c.norm_type = NormType::LayerNorm;
  else if (norm == "rmsnorm" || norm == "low_precision_rmsnorm" || norm == "triton_rmsnorm") c.norm_type = NormType::RmsNorm;
  else k.fail("norm_type", "layernorm, low_precision_layernorm, rmsnorm, low_precision_rmsnorm or triton_rmsnorm");
  if (k.has("layer_norm_epsilon") && k.has("norm_eps") &&
      k.number("layer_norm_epsilon", 0) != k.number("norm_eps", 0))
    k.fail("norm_eps", "the same value as layer_norm_epsilon");
  c.norm_eps = k.has("norm_eps") ? k.number("norm_eps", 1e-5) : k.number("layer_norm_epsilon", 1e-5);
  if (c.norm_eps <= 0) k.fail(k.has("norm_eps") ? "norm_eps" : "layer_norm_epsilon", "a positive number");

  if (const json* ls = k.get("logit_scale")) {
    if (ls->is_string()) {
      if (ls->get<std::string>() != "inv_sqrt_d_model") k.fail("logit_scale", "null, a number or \"inv_sqrt_d_model\"");
      c.logit_scale = 1.0 / std::sqrt(static_cast<double>(c.d_model));
    } else {
      c.logit_scale = k.number("logit_scale", 1);
    }
  }
  c.embedding_fraction = k.number("embedding_fraction", 1.0);
  if (c.embedding_fraction <= 0 || c.embedding_fraction > 1) k.fail("embedding_fraction", "a number in (0, 1]");
  c.tie_word_embeddings = k.boolean("tie_word_embeddings", true);
  k.require_absent_or("final_logit_softcapping", nullptr, "final logit soft-capping is not implemented");
  k.require_absent_or("block_overrides", nullptr, "per-block overrides are not implemented");
  if (const json* fc = k.get("fc_type")) {
    std::string name = fc->is_string() ? fc->get<std::string>() : fc->is_object() ? fc->value("name", "torch") : "";
    if (name != "torch" && name != "te") k.unsupported("fc_type", "only plain linear layers are implemented");
  }

  c.kv_n_heads = c.n_heads;
  c.alibi = !foundry;
  c.softmax_scale = 1.0 / std::sqrt(static_cast<double>(c.head_dim()));
  c.alibi_bias_max = 8;
  read_attn_config(k.has("attn_config") ? j.at("attn_config") : json::object(), where, foundry, c);
  // LLM Foundry turns learned positions off when ALiBi is on; HF MPT never has them.
  c.learned_pos_emb = k.boolean("learned_pos_emb", true) && !c.alibi;
  if (!c.alibi && !c.learned_pos_emb)
    MPT_LOG(Warn, "config ({}) gives the model no positional information (no ALiBi, no learned positions)", where);
  c.torch_dtype = k.has("torch_dtype") ? k.string("torch_dtype", "") : k.string("dtype", "");
  k.warn_unknown(kTopLevelKeys, log::Level::Debug);
  return c;
}

MptConfig MptConfig::from_file(const std::string& path) {
  return from_json(parse_json(read_file(path), path), path);
}

json MptConfig::to_json() const {
  json attn = {
      {"attn_type", kv_n_heads == n_heads ? "multihead_attention" : "grouped_query_attention"},
      {"alibi", alibi},
      {"alibi_bias_max", alibi_bias_max},
      {"clip_qkv", clip_qkv ? json(*clip_qkv) : json(nullptr)},
      {"qk_ln", qk_ln},
      {"softmax_scale", softmax_scale},
      {"prefix_lm", false},
      {"attn_uses_sequence_id", attn_uses_sequence_id},
      // 0, not 0.0: transformers 5.x declares MptAttentionConfig.attn_pdrop an int and its strict
      // config validation rejects a float (seen with transformers 5.17 on the GPU machine).
      {"attn_pdrop", 0},
      {"attn_impl", "torch"},
  };
  if (kv_n_heads != n_heads) attn["kv_n_heads"] = kv_n_heads;
  if (!fused_qkv) attn["fused_qkv"] = false;
  json j = {
      {"architectures", {"MptForCausalLM"}},
      {"model_type", "mpt"},
      {"d_model", d_model},
      {"n_heads", n_heads},
      {"n_layers", n_layers},
      {"max_seq_len", max_seq_len},
      {"vocab_size", vocab_size},
      {"no_bias", no_bias},
      {"norm_type", norm_type == NormType::LayerNorm ? "low_precision_layernorm" : "low_precision_rmsnorm"},
      {"layer_norm_epsilon", norm_eps},
      {"logit_scale", logit_scale ? json(*logit_scale) : json(nullptr)},
      {"embedding_fraction", embedding_fraction},
      {"learned_pos_emb", learned_pos_emb},
      {"tie_word_embeddings", tie_word_embeddings},
      {"attn_config", attn},
      {"use_cache", false},
      {"init_device", "cpu"},
      {"resid_pdrop", 0.0},
      {"emb_pdrop", 0.0},
  };
  if (ffn_hidden % d_model == 0) j["expansion_ratio"] = ffn_hidden / d_model;
  else j["ffn_config"] = {{"ffn_type", "mptmlp"}, {"ffn_hidden_size", ffn_hidden}};
  if (attention_bias != !no_bias) j["attention_bias"] = attention_bias;
  if (!torch_dtype.empty()) j["torch_dtype"] = torch_dtype;
  return j;
}

const char* MptConfig::preset_names() { return "tiny|mpt-125m|mpt-350m|mpt-7b|mpt-30b"; }

MptConfig MptConfig::preset(const std::string& name) {
  struct Shape {
    const char* name;
    int64_t d_model, n_heads, n_layers, vocab, max_seq_len;
  };
  static const Shape kShapes[] = {
      {"tiny", 64, 4, 2, 320, 2048},           {"mpt-125m", 768, 12, 12, 50432, 2048},
      {"mpt-350m", 1024, 16, 24, 50432, 2048}, {"mpt-7b", 4096, 32, 32, 50432, 2048},
      {"mpt-30b", 7168, 64, 48, 50432, 8192},
  };
  for (const Shape& s : kShapes) {
    if (name != s.name) continue;
    json j = {{"d_model", s.d_model},         {"n_heads", s.n_heads},       {"n_layers", s.n_layers},
              {"vocab_size", s.vocab},        {"max_seq_len", s.max_seq_len}, {"expansion_ratio", 4},
              {"no_bias", true},              {"norm_type", "low_precision_layernorm"},
              {"attn_config", {{"alibi", true}, {"alibi_bias_max", 8}}}};
    return from_json(j, std::string("--shape ") + name);
  }
  throw input_error("unknown model shape", "--shape", preset_names(), quote_excerpt(name));
}

}  // namespace mpt
