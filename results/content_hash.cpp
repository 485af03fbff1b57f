#include "results/content_hash.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/error.h"
#include "common/sha256.h"

namespace mpt::results {
namespace fs = std::filesystem;
namespace {

struct FileStat {
  int64_t size, mtime_ns, ctime_ns, inode;
};

FileStat stat_file(const std::string& path) {
  struct stat s {};
  if (::stat(path.c_str(), &s) != 0) throw input_error("cannot read file", path, "a readable file", std::strerror(errno));
  return {static_cast<int64_t>(s.st_size), s.st_mtim.tv_sec * 1000000000LL + s.st_mtim.tv_nsec,
          s.st_ctim.tv_sec * 1000000000LL + s.st_ctim.tv_nsec, static_cast<int64_t>(s.st_ino)};
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_weight_file(const std::string& name) {
  bool torch_bin = name.rfind("pytorch_model", 0) == 0 && (ends_with(name, ".bin") || ends_with(name, ".bin.index.json"));
  return ends_with(name, ".safetensors") || ends_with(name, ".safetensors.index.json") || torch_bin;
}

// `files`: (name recorded in the hash, path to read). Names make renames and dropped shards count.
ContentHash combine(Store& store, std::vector<std::pair<std::string, std::string>> files, const char* tag) {
  std::sort(files.begin(), files.end());
  ContentHash out;
  Sha256 h;
  h.update(std::string(tag) + "\n");
  for (const auto& [name, path] : files) {
    HashedFile f;
    f.name = name;
    f.sha256 = hash_file_memoized(store, path, &f.memoised);
    f.size = stat_file(path).size;
    out.total_bytes += f.size;
    if (!f.memoised) out.bytes_read += f.size;
    h.update(name + "\t" + std::to_string(f.size) + "\t" + f.sha256 + "\n");
    out.files.push_back(std::move(f));
  }
  out.hash = h.hex_digest();
  return out;
}

}  // namespace

std::string hash_file_memoized(Store& store, const std::string& path, bool* memoised) {
  std::error_code ec;
  std::string abs = fs::absolute(path, ec).lexically_normal().string();
  FileStat before = stat_file(abs);
  Statement find = store.db().prepare(
      "SELECT sha256 FROM file_hashes WHERE path = ? AND size = ? AND mtime_ns = ? AND ctime_ns = ? AND inode = ?");
  find.bind(1, abs).bind(2, before.size).bind(3, before.mtime_ns).bind(4, before.ctime_ns).bind(5, before.inode);
  if (find.step()) {
    if (memoised) *memoised = true;
    return find.get_text(0);
  }
  std::string digest = sha256_file_hex(abs);
  if (memoised) *memoised = false;
  // A file that changed while it was read gets no memo entry: the next call reads it again.
  FileStat after = stat_file(abs);
  if (after.size == before.size && after.mtime_ns == before.mtime_ns && after.ctime_ns == before.ctime_ns &&
      after.inode == before.inode) {
    store.db().write_transaction([&] {
      Statement put = store.db().prepare(
          "INSERT OR REPLACE INTO file_hashes (path, size, mtime_ns, ctime_ns, inode, sha256, hashed_at) "
          "VALUES (?,?,?,?,?,?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
      put.bind(1, abs).bind(2, before.size).bind(3, before.mtime_ns).bind(4, before.ctime_ns).bind(5, before.inode);
      put.bind(6, digest).run();
    });
  }
  return digest;
}

ContentHash hash_checkpoint(Store& store, const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw input_error("checkpoint directory not found", dir, "a Hugging Face checkpoint directory", "no such directory");
  if (!fs::is_regular_file(fs::path(dir) / "config.json", ec))
    throw input_error("checkpoint has no config.json", dir, "config.json next to the weights", "no such file");
  std::vector<std::pair<std::string, std::string>> files{{"config.json", (fs::path(dir) / "config.json").string()}};
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (e.is_regular_file() && is_weight_file(name)) files.emplace_back(name, e.path().string());
  }
  if (files.size() == 1)
    throw input_error("checkpoint has no weight files", dir,
                      "*.safetensors or pytorch_model*.bin (with an index when sharded)", "only config.json");
  return combine(store, std::move(files), "mpt-eval checkpoint v1");
}

ContentHash hash_tokenizer(Store& store, const std::string& path) {
  std::error_code ec;
  // A lone file counts as tokenizer.json whatever its name, so a copy hashes the same.
  if (fs::is_regular_file(path, ec)) return combine(store, {{"tokenizer.json", path}}, "mpt-eval tokenizer v1");
  if (!fs::is_regular_file(fs::path(path) / "tokenizer.json", ec))
    throw input_error("tokenizer not found", path, "tokenizer.json or a directory containing it", "no tokenizer.json");
  std::vector<std::pair<std::string, std::string>> files;
  for (const char* name : {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"})
    if (fs::is_regular_file(fs::path(path) / name, ec)) files.emplace_back(name, (fs::path(path) / name).string());
  return combine(store, std::move(files), "mpt-eval tokenizer v1");
}

}  // namespace mpt::results
