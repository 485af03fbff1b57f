#include "models/tokenizer/tokenizer.h"

#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include "common/error.h"
#include "common/jsonl.h"
#include "common/log.h"
#include "common/paths.h"
#include "common/sha256.h"
#include "models/tokenizer/added_tokens.h"
#include "models/tokenizer/bpe_model.h"
#include "models/tokenizer/normalizer.h"
#include "models/tokenizer/pre_tokenizer.h"
#include "models/tokenizer/token_decoder.h"
#include "models/tokenizer/tokenizer_spec.h"
#include "models/tokenizer/utf8.h"

namespace mpt {
namespace {

// Working buffers of one encode call, reused from piece to piece.
struct EncodeBuffers {
  std::vector<tok::Segment> normalized_segments;
  std::vector<tok::Span> spans;
  std::string normalized;
  std::string prefixed;
};

}  // namespace

struct Tokenizer::Impl {
  Impl(tok::TokenizerSpec spec, std::string file, std::string sha)
      : path(std::move(file)), hash(std::move(sha)), normalizer(std::move(spec.normalizer)),
        add_prefix_space(spec.add_prefix_space), use_regex(spec.use_regex), vocab(std::move(spec.vocab)),
        bpe(vocab, spec.merges, spec.bpe, path) {
    std::unordered_set<std::string> specials;
    for (const tok::AddedToken& t : spec.added_tokens)
      if (t.special) specials.insert(t.content);
    int32_t max_id = -1;
    for (const auto& [spelling, id] : vocab) {
      decoder.set(id, spelling, specials.count(spelling) > 0);
      max_id = std::max(max_id, id);
    }
    for (const tok::AddedToken& t : spec.added_tokens) {
      std::string pattern = t.content;
      if (t.normalized) normalizer.normalize(t.content, pattern);
      (t.normalized ? normalized_tokens : raw_tokens).add(pattern, t);
      decoder.set(t.id, pattern, specials.count(pattern) > 0);
      added_ids[t.content] = t.id;
      max_id = std::max(max_id, t.id);
    }
    size = max_id + 1;
  }

  // Steps 3 and 4 of encode (see tokenizer.h) for one piece of raw text between special tokens.
  void encode_raw_piece(std::string_view piece, EncodeBuffers& buf, Tokens& out) const {
    std::string_view text = piece;
    if (!normalizer.is_identity()) {
      normalizer.normalize(piece, buf.normalized);
      text = buf.normalized;
    }
    if (normalized_tokens.empty()) {
      encode_pre_tokens(text, buf, out);
      return;
    }
    buf.normalized_segments.clear();
    normalized_tokens.split(text, buf.normalized_segments);
    for (const tok::Segment& s : buf.normalized_segments) {
      if (s.id >= 0) out.push_back(s.id);
      else encode_pre_tokens(text.substr(s.begin, s.end - s.begin), buf, out);
    }
  }

  void encode_pre_tokens(std::string_view text, EncodeBuffers& buf, Tokens& out) const {
    if (add_prefix_space && text.front() != ' ') {
      buf.prefixed.clear();
      buf.prefixed += ' ';
      buf.prefixed.append(text);
      text = buf.prefixed;
    }
    if (!use_regex) {
      bpe.encode_word(text, out);
      return;
    }
    buf.spans.clear();
    tok::split_gpt2(text, buf.spans);
    for (const tok::Span& s : buf.spans) bpe.encode_word(text.substr(s.begin, s.end - s.begin), out);
  }

  std::string path;
  std::string hash;
  tok::Normalizer normalizer;
  bool add_prefix_space;
  bool use_regex;
  tok::Vocab vocab;
  tok::BpeModel bpe;
  tok::AddedTokenMatcher raw_tokens;         // normalized=false: matched in the raw text
  tok::AddedTokenMatcher normalized_tokens;  // normalized=true: matched after normalization
  std::unordered_map<std::string, TokenId, tok::StringHash, std::equal_to<>> added_ids;
  tok::TokenDecoder decoder;
  int32_t size = 0;
};

Tokenizer Tokenizer::from_file(const std::string& tokenizer_json) {
  std::string bytes = read_file(tokenizer_json);
  tok::TokenizerSpec spec = tok::parse_tokenizer_spec(bytes, tokenizer_json);
  return Tokenizer(std::make_shared<const Impl>(std::move(spec), tokenizer_json, sha256_hex(bytes)));
}

Tokenizer Tokenizer::from_model_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir))
    throw input_error("model directory not found", dir, "a directory (config.json, weights, tokenizer.json)",
                      fs::exists(dir) ? "a file" : "nothing");
  fs::path file = fs::path(dir) / "tokenizer.json";
  if (fs::exists(file)) return from_file(file.string());
  MPT_LOG(Info, "{} has no tokenizer.json; using the bundled GPT-NeoX-20B tokenizer", dir);
  return bundled();
}

std::string Tokenizer::bundled_file() { return bundled_path("tokenizer/gpt-neox-20b/tokenizer.json"); }

Tokenizer Tokenizer::bundled() { return from_file(bundled_file()); }

Tokens Tokenizer::encode(std::string_view text) const {
  if (text.size() >= UINT32_MAX)
    throw input_error("text too long to encode", "", "under 4 GiB", std::to_string(text.size()) + " bytes");
  std::string repaired;
  if (!tok::is_valid_utf8(text)) {
    repaired = tok::utf8_lossy(text);
    text = repaired;
  }
  Tokens out;
  out.reserve(text.size() / 3 + 1);
  EncodeBuffers buf;
  if (impl_->raw_tokens.empty()) {
    if (!text.empty()) impl_->encode_raw_piece(text, buf, out);
    return out;
  }
  std::vector<tok::Segment> segments;
  impl_->raw_tokens.split(text, segments);
  for (const tok::Segment& s : segments) {
    if (s.id >= 0) out.push_back(s.id);
    else impl_->encode_raw_piece(text.substr(s.begin, s.end - s.begin), buf, out);
  }
  return out;
}

std::string Tokenizer::decode(const Tokens& ids, bool skip_special_tokens, bool clean_up_tokenization_spaces) const {
  return impl_->decoder.decode(ids, skip_special_tokens, clean_up_tokenization_spaces);
}

std::optional<TokenId> Tokenizer::token_to_id(std::string_view token) const {
  if (auto it = impl_->added_ids.find(token); it != impl_->added_ids.end()) return it->second;
  if (auto it = impl_->vocab.find(token); it != impl_->vocab.end()) return it->second;
  return std::nullopt;
}

std::optional<TokenId> Tokenizer::eos_token_id() const { return token_to_id("<|endoftext|>"); }
int32_t Tokenizer::vocab_size() const { return impl_->size; }
const std::string& Tokenizer::content_hash() const { return impl_->hash; }
const std::string& Tokenizer::path() const { return impl_->path; }

}  // namespace mpt
