#include "tasks/code/evalplus_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/jsonl.h"
#include "common/log.h"
#include "common/sha256.h"
#include "tasks/code/evalplus_test.h"

namespace mpt::code {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMagic = "mpt-eval evalplus expected v3";

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw runtime_error("cannot read the problems file", path, "a readable file", "unreadable");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string sha256_hex(const std::string& s) {
  Sha256 h;
  h.update(s);
  return h.hex_digest();
}

bool base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

}  // namespace

std::string evalplus_expected_key(const std::string& dataset_path, const std::string& interpreter) {
  Sha256 h;
  h.update(std::string(kMagic) + "\n");
  h.update(sha256_hex(file_bytes(dataset_path)) + "\n");
  std::error_code ec;
  fs::path real = fs::canonical(interpreter, ec);
  struct stat st {};
  if (ec || stat(real.c_str(), &st) != 0)
    throw runtime_error("cannot find the interpreter", interpreter, "an existing file", ec ? ec.message() : "stat failed");
  h.update(real.string() + "|" + std::to_string(st.st_size) + "|" + std::to_string(st.st_mtime) + "\n");
  h.update("limit " + std::to_string(kEvalPlusExpectedLimitBytes) + " digest " + std::to_string(kEvalPlusDigestChars) + "\n");
  return h.hex_digest().substr(0, 32);
}

ExpectedOutputCache::ExpectedOutputCache(std::string dir) : dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  struct stat st {};
  if (lstat(dir_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid())
    throw runtime_error("unusable directory for the HumanEval+ expected-output cache", dir_,
                        "a directory of this user's", ec ? ec.message() : "something else");
  chmod(dir_.c_str(), 0700);   // expected outputs: for the harness only (never bound into a sandbox)
}

std::string ExpectedOutputCache::path(const std::string& task_id, bool plus) const {
  std::string name;
  for (char c : task_id) name += (c == '/' || c == '\0') ? '_' : c;
  return (fs::path(dir_) / (name + (plus ? ".plus" : ".base"))).string();
}

bool ExpectedOutputCache::valid_entry(const std::string& e) {
  if (e.size() < 2) return false;
  if (e[0] == 'L') {
    size_t i = e[1] == '-' ? 2 : 1;
    if (i == e.size()) return false;
    for (; i < e.size(); ++i)
      if (e[i] < '0' || e[i] > '9') return false;
    return true;
  }
  if (e[0] != 'E' || (e.size() - 1) % 4 != 0) return false;
  size_t end = e.size();
  for (int pad = 0; pad < 2 && end > 1 && e[end - 1] == '='; ++pad) --end;
  for (size_t i = 1; i < end; ++i)
    if (!base64_char(e[i])) return false;
  return true;
}

std::optional<std::string> ExpectedOutputCache::read(const std::string& task_id, bool plus) {
  std::string file = path(task_id, plus);
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  std::string data = s.str();
  std::string why;
  size_t nl = data.find('\n');
  std::string header = data.substr(0, nl == std::string::npos ? 0 : nl);
  std::string entry = nl == std::string::npos ? "" : data.substr(nl + 1);
  char magic_a[16] = {}, magic_b[16] = {}, magic_c[16] = {}, version[8] = {}, hash[65] = {};
  unsigned long long length = 0;
  if (nl == std::string::npos ||
      std::sscanf(header.c_str(), "%15s %15s %15s %7s %llu %64s", magic_a, magic_b, magic_c, version, &length, hash) != 6 ||
      std::string(magic_a) + " " + magic_b + " " + magic_c + " " + version != kMagic)
    why = "no header";
  else if (length != entry.size())
    why = "length " + std::to_string(entry.size()) + ", the header says " + std::to_string(length);
  else if (sha256_hex(entry) != hash)
    why = "its sha256 differs from the header's";
  else if (!valid_entry(entry))
    why = "not an entry of the expected-output program";
  if (why.empty()) return entry;
  ++damaged_;
  MPT_LOG(Warn, "HumanEval+ expected-output cache: {} is damaged ({}); computing it again", file, why);
  std::error_code ec;
  fs::remove(file, ec);
  return std::nullopt;
}

void ExpectedOutputCache::write(const std::string& task_id, bool plus, const std::string& entry) {
  if (!valid_entry(entry))
    throw input_error("not an expected-output entry", task_id, "E<base64> or L<bytes>", entry.substr(0, 40));
  write_file_atomic(path(task_id, plus), std::string(kMagic) + " " + std::to_string(entry.size()) + " " +
                                             sha256_hex(entry) + "\n" + entry);
}

}  // namespace mpt::code
