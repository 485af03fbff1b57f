#include "tests/models/tokenizer_test_util.h"

#include <unistd.h>
#include <utf8proc.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace mpt::test {

const Tokenizer& neox_tokenizer() {
  static const Tokenizer tok =
      Tokenizer::from_file(std::string(MPTEVAL_SOURCE_DIR) + "/data/tokenizer/gpt-neox-20b/tokenizer.json");
  return tok;
}

std::string nfc(const std::string& s) {
  utf8proc_uint8_t* out = utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(s.c_str()));
  if (out == nullptr) throw std::runtime_error("utf8proc_NFC failed (invalid UTF-8?)");
  std::string r(reinterpret_cast<char*>(out));
  std::free(out);
  return r;
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
