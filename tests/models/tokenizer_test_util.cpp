#include "tests/models/tokenizer_test_util.h"

#include <unistd.h>
#include <utf8proc.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "models/tokenizer/hf_unicode_tables.h"
#include "models/tokenizer/normalizer.h"
#include "models/tokenizer/utf8.h"

namespace mpt::test {

const Tokenizer& neox_tokenizer() {
  static const Tokenizer tok =
      Tokenizer::from_file(std::string(MPTEVAL_SOURCE_DIR) + "/data/tokenizer/gpt-neox-20b/tokenizer.json");
  return tok;
}

std::string nfc(const std::string& s) {
  utf8proc_uint8_t* out = nullptr;
  auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE);  // = utf8proc_NFC, NULs kept
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                    static_cast<utf8proc_ssize_t>(s.size()), &out, options);
  if (n < 0) throw std::runtime_error("utf8proc_map failed (invalid UTF-8?)");
  std::string r(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  std::free(out);
  return r;
}

bool hf_nfc_agrees_with_utf8proc(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    char32_t cp = tok::next_code_point(s, i);
    if (cp < 0x80) continue;
    const utf8proc_property_t* p = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
    bool decomposes = p->decomp_seqindex != UINT16_MAX && p->decomp_type == 0;
    bool combining = p->combining_class != 0;
    if (decomposes != tok::hf::contains(tok::hf::canonical_ranges(), cp)) return false;
    if (!decomposes && combining != tok::hf::contains(tok::hf::combining_ranges(), cp)) return false;
  }
  return true;
}

std::string expected_neox_decoding(const std::string& text, bool skip_special_tokens) {
  std::string valid = tok::utf8_lossy(text);
  static const std::string kSpecials[] = {"<|endoftext|>", "<|padding|>"};
  static const tok::Normalizer kHfNfc({tok::NormalForm::NFC});
  auto normalized = [](const std::string& piece) {
    if (hf_nfc_agrees_with_utf8proc(piece)) return nfc(piece);
    std::string out;
    kHfNfc.normalize(piece, out);
    return out;
  };
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t best = std::string::npos;
    const std::string* which = nullptr;
    for (const auto& sp : kSpecials) {
      size_t at = valid.find(sp, pos);
      if (at < best) {
        best = at;
        which = &sp;
      }
    }
    out += normalized(valid.substr(pos, best == std::string::npos ? std::string::npos : best - pos));
    if (which == nullptr) return out;
    if (!skip_special_tokens) out += *which;
    pos = best + which->size();
  }
}

namespace {
struct TempFiles {
  std::vector<std::string> paths;
  ~TempFiles() {
    for (const auto& p : paths) std::filesystem::remove(p);
  }
};
}  // namespace

std::string temp_file(const std::string& content, const std::string& suffix) {
  static TempFiles files;
  std::string tmpl = (std::filesystem::temp_directory_path() / "mpteval_tok_XXXXXX").string() + suffix;
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = mkstemps(buf.data(), static_cast<int>(suffix.size()));
  if (fd < 0) throw std::runtime_error("mkstemps failed");
  close(fd);
  std::string path(buf.data());
  std::ofstream(path, std::ios::binary) << content;
  files.paths.push_back(path);
  return path;
}

}  // namespace mpt::test
