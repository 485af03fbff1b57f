#include "models/tokenizer/tokenizer_spec.h"

#include <map>

#include "common/error.h"
#include "common/jsonl.h"
#include "common/log.h"

namespace mpt::tok {
namespace {

using nlohmann::json;

// Locates errors: "<file>: <key path>".
struct Where {
  const std::string& file;
  std::string at(const std::string& key) const { return file + ": " + key; }
};

const json* optional_key(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

const json& required(const json& obj, const char* key, const char* expected, json::value_t type, const Where& w,
                     const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end()) throw input_error("missing key '" + path + "'", w.file, expected, "no such key");
  if (it->type() != type) throw input_error("wrong type", w.at(path), expected, describe_json(*it));
  return *it;
}

bool flag(const json& obj, const char* key, bool fallback, const Where& w, const std::string& path) {
  const json* v = optional_key(obj, key);
  if (!v) return fallback;
  if (!v->is_boolean()) throw input_error("wrong type", w.at(path + "." + key), "true or false", describe_json(*v));
  return v->get<bool>();
}

std::string type_of(const json& obj, const Where& w, const std::string& path) {
  if (!obj.is_object()) throw input_error("wrong type", w.at(path), "an object with a \"type\"", describe_json(obj));
  return required(obj, "type", "a string \"type\"", json::value_t::string, w, path + ".type").get<std::string>();
}

void read_normalizer(const json& n, const Where& w, const std::string& path, std::vector<NormalForm>& steps) {
  std::string type = type_of(n, w, path);
  static const std::map<std::string, NormalForm> kForms = {
      {"NFC", NormalForm::NFC}, {"NFD", NormalForm::NFD}, {"NFKC", NormalForm::NFKC}, {"NFKD", NormalForm::NFKD}};
  if (auto it = kForms.find(type); it != kForms.end()) {
    steps.push_back(it->second);
  } else if (type == "Sequence") {
    const json& list =
        required(n, "normalizers", "a list of normalizers", json::value_t::array, w, path + ".normalizers");
    for (size_t i = 0; i < list.size(); ++i)
      read_normalizer(list[i], w, path + ".normalizers[" + std::to_string(i) + "]", steps);
  } else {
    throw input_error("unsupported normalizer", w.at(path + ".type"), "null, NFC, NFD, NFKC, NFKD or a Sequence of them",
                      "\"" + type + "\"");
  }
}

std::pair<std::string, std::string> read_merge(const json& m, const Where& w, size_t i) {
  std::string path = "model.merges[" + std::to_string(i) + "]";
  if (m.is_string()) {
    const std::string& s = m.get_ref<const std::string&>();
    size_t space = s.find(' ');
    if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos)
      throw input_error("malformed merge", w.at(path), "two tokens separated by one space", quote_excerpt(s));
    return {s.substr(0, space), s.substr(space + 1)};
  }
  if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string())
    return {m[0].get<std::string>(), m[1].get<std::string>()};
  throw input_error("malformed merge", w.at(path), "\"left right\" or [\"left\", \"right\"]", describe_json(m));
}

void read_model(const json& doc, const Where& w, TokenizerSpec& spec) {
  const json& model = required(doc, "model", "an object", json::value_t::object, w, "model");
  std::string type = type_of(model, w, "model");
  if (type != "BPE") throw input_error("unsupported model type", w.at("model.type"), "\"BPE\"", "\"" + type + "\"");
  const json& vocab = required(model, "vocab", "an object of token -> id", json::value_t::object, w, "model.vocab");
  spec.vocab.reserve(vocab.size());
  for (const auto& [token, id] : vocab.items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > INT32_MAX)
      throw input_error("bad token id", w.at("model.vocab[" + quote_excerpt(token) + "]"), "an id in 0..2^31-1",
                        describe_json(id));
    spec.vocab[token] = static_cast<TokenId>(id.get<int64_t>());
  }
  const json& merges = required(model, "merges", "a list of merges", json::value_t::array, w, "model.merges");
  spec.merges.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) {
    if (merges[i].is_string() && merges[i].get_ref<const std::string&>().rfind("#version", 0) == 0) continue;
    spec.merges.push_back(read_merge(merges[i], w, i));
  }
  if (const json* d = optional_key(model, "dropout")) {
    if (!d->is_number() || d->get<double>() != 0.0)
      throw input_error("unsupported BPE dropout", w.at("model.dropout"), "null or 0 (deterministic encoding)",
                        describe_json(*d));
  }
  for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    const json* v = optional_key(model, key);
    if (v && !(v->is_string() && v->get_ref<const std::string&>().empty()))
      throw input_error("unsupported BPE option", w.at(std::string("model.") + key), "null", describe_json(*v));
  }
  if (const json* u = optional_key(model, "unk_token")) {
    if (!u->is_string()) throw input_error("wrong type", w.at("model.unk_token"), "a string or null", describe_json(*u));
    spec.bpe.unk_token = u->get<std::string>();
  }
  spec.bpe.fuse_unk = flag(model, "fuse_unk", false, w, "model");
  spec.bpe.byte_fallback = flag(model, "byte_fallback", false, w, "model");
  spec.bpe.ignore_merges = flag(model, "ignore_merges", false, w, "model");
}

void read_pipeline(const json& doc, const Where& w, TokenizerSpec& spec) {
  if (const json* n = optional_key(doc, "normalizer")) {
    std::vector<NormalForm> steps;
    read_normalizer(*n, w, "normalizer", steps);
    spec.normalizer = Normalizer(std::move(steps));
  }
  const json* pre = optional_key(doc, "pre_tokenizer");
  std::string pre_type = pre ? type_of(*pre, w, "pre_tokenizer") : "null";
  if (pre_type != "ByteLevel")
    throw input_error("unsupported pre_tokenizer", w.at("pre_tokenizer"), "ByteLevel", "\"" + pre_type + "\"");
  spec.add_prefix_space = flag(*pre, "add_prefix_space", true, w, "pre_tokenizer");
  spec.use_regex = flag(*pre, "use_regex", true, w, "pre_tokenizer");
  const json* dec = optional_key(doc, "decoder");
  std::string dec_type = dec ? type_of(*dec, w, "decoder") : "null";
  if (dec_type != "ByteLevel")
    throw input_error("unsupported decoder", w.at("decoder"), "ByteLevel", "\"" + dec_type + "\"");
  for (const char* key : {"truncation", "padding"})
    if (optional_key(doc, key))
      MPT_LOG(Warn, "{}: '{}' is set and ignored; mpt-eval never truncates or pads an encoding", w.file, key);
}

// HF's AddedVocabulary::add_tokens on load (see TokenizerSpec::added_tokens).
void read_added_tokens(const json& doc, const Where& w, TokenizerSpec& spec) {
  const json* list = optional_key(doc, "added_tokens");
  if (!list) return;
  if (!list->is_array()) throw input_error("wrong type", w.at("added_tokens"), "a list", describe_json(*list));
  std::map<std::string, size_t> index_of;  // content -> position in spec.added_tokens
  auto next_id = static_cast<TokenId>(spec.vocab.size());
  for (size_t i = 0; i < list->size(); ++i) {
    const json& t = (*list)[i];
    std::string path = "added_tokens[" + std::to_string(i) + "]";
    if (!t.is_object()) throw input_error("wrong type", w.at(path), "an object", describe_json(t));
    AddedToken token;
    token.content = required(t, "content", "a string", json::value_t::string, w, path + ".content").get<std::string>();
    const json* file_id = optional_key(t, "id");
    if (!file_id || !file_id->is_number_integer())
      throw input_error("missing or bad 'id'", w.at(path + ".id"), "an integer", file_id ? describe_json(*file_id) : "none");
    token.special = flag(t, "special", false, w, path);
    token.single_word = flag(t, "single_word", false, w, path);
    token.lstrip = flag(t, "lstrip", false, w, path);
    token.rstrip = flag(t, "rstrip", false, w, path);
    token.normalized = flag(t, "normalized", !token.special, w, path);
    if (token.content.empty()) continue;
    if (auto it = index_of.find(token.content); it != index_of.end()) {
      token.id = spec.added_tokens[it->second].id;
      spec.added_tokens[it->second] = token;
      continue;
    }
    auto in_vocab = spec.vocab.find(token.content);
    token.id = in_vocab != spec.vocab.end() ? in_vocab->second : next_id++;
    if (token.id != file_id->get<int64_t>())
      MPT_LOG(Warn, "{}: added token {} has id {} in the file but gets id {} (as in Hugging Face tokenizers)", w.file,
              quote_excerpt(token.content), file_id->get<int64_t>(), token.id);
    index_of[token.content] = spec.added_tokens.size();
    spec.added_tokens.push_back(std::move(token));
  }
}

}  // namespace

TokenizerSpec parse_tokenizer_spec(const std::string& json_text, const std::string& where) {
  json doc = parse_json(json_text, where);
  Where w{where};
  if (!doc.is_object()) throw input_error("not a tokenizer.json", where, "a JSON object", describe_json(doc));
  if (const json* v = optional_key(doc, "version"); v && *v != "1.0")
    throw input_error("unsupported tokenizer.json version", w.at("version"), "\"1.0\"", describe_json(*v));
  TokenizerSpec spec;
  read_model(doc, w, spec);
  read_pipeline(doc, w, spec);
  read_added_tokens(doc, w, spec);
  return spec;
}

}  // namespace mpt::tok
