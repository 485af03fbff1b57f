#include "results/content_hash.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <optional>
#include <thread>

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

std::string absolute_path(const std::string& path) {
  std::error_code ec;
  return fs::absolute(path, ec).lexically_normal().string();
}

std::optional<std::string> memo_lookup(const Store& store, const std::string& abs, const FileStat& st) {
  Statement find = store.db().prepare(
      "SELECT sha256 FROM file_hashes WHERE path = ? AND size = ? AND mtime_ns = ? AND ctime_ns = ? AND inode = ?");
  find.bind(1, abs).bind(2, st.size).bind(3, st.mtime_ns).bind(4, st.ctime_ns).bind(5, st.inode);
  if (!find.step()) return std::nullopt;
  return find.get_text(0);
}

struct Hashed {
  std::string abs;
  FileStat before;
  std::string digest;
};

// Records the digests of files that did not change while they were read; a file that did gets no
// memo entry, so the next call reads it again.
void memo_store(Store& store, const std::vector<Hashed>& hashed) {
  store.db().write_transaction([&] {
    Statement put = store.db().prepare(
        "INSERT OR REPLACE INTO file_hashes (path, size, mtime_ns, ctime_ns, inode, sha256, hashed_at) "
        "VALUES (?,?,?,?,?,?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
    for (const Hashed& h : hashed) {
      FileStat after = stat_file(h.abs);
      if (after.size != h.before.size || after.mtime_ns != h.before.mtime_ns || after.ctime_ns != h.before.ctime_ns ||
          after.inode != h.before.inode)
        continue;
      put.bind(1, h.abs).bind(2, h.before.size).bind(3, h.before.mtime_ns).bind(4, h.before.ctime_ns);
      put.bind(5, h.before.inode).bind(6, h.digest).run();
      put.reset();
    }
  });
}

// Hashes the files on up to hardware_concurrency threads (shards of a large checkpoint are read
// in parallel; SHA-256 is CPU-bound once the data is cached). The database is not touched here.
void hash_in_parallel(std::vector<Hashed>& todo) {
  std::atomic<size_t> next{0};
  std::vector<std::exception_ptr> errors(todo.size());
  auto worker = [&] {
    for (size_t i = next++; i < todo.size(); i = next++) {
      try {
        todo[i].digest = sha256_file_hex(todo[i].abs);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  size_t n = std::min<size_t>(todo.size(), std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> threads;
  for (size_t t = 1; t < n; ++t) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
}

// `files`: (name recorded in the hash, path to read). Names make renames and dropped shards count.
ContentHash combine(Store& store, std::vector<std::pair<std::string, std::string>> files, const char* tag) {
  std::sort(files.begin(), files.end());
  ContentHash out;
  std::vector<Hashed> todo;
  std::vector<size_t> todo_file;  // index into out.files
  for (const auto& [name, path] : files) {
    HashedFile f;
    f.name = name;
    std::string abs = absolute_path(path);
    FileStat st = stat_file(abs);
    f.size = st.size;
    out.total_bytes += st.size;
    if (std::optional<std::string> memo = memo_lookup(store, abs, st)) {
      f.sha256 = *memo;
      f.memoised = true;
    } else {
      todo.push_back({abs, st, ""});
      todo_file.push_back(out.files.size());
      out.bytes_read += st.size;
    }
    out.files.push_back(std::move(f));
  }
  hash_in_parallel(todo);
  for (size_t i = 0; i < todo.size(); ++i) out.files[todo_file[i]].sha256 = todo[i].digest;
  if (!todo.empty()) memo_store(store, todo);
  Sha256 h;
  h.update(std::string(tag) + "\n");
  for (const HashedFile& f : out.files) h.update(f.name + "\t" + std::to_string(f.size) + "\t" + f.sha256 + "\n");
  out.hash = h.hex_digest();
  return out;
}

}  // namespace

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
