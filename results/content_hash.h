// Content hashes of checkpoints and tokenizers: what a run's identity and the response cache key
// are built from, so that two different models never share results even at the same path.
//
// A checkpoint's hash covers config.json and every weight file of the directory (not recursive):
// *.safetensors, pytorch_model*.bin, and their shard indexes (*.safetensors.index.json,
// pytorch_model*.bin.index.json). It is sha256 over the sorted lines "<name>\t<size>\t<sha256>\n"
// (after a version tag), so renaming or dropping a shard changes it too.
//
// Each file's sha256 is memoised in the store's file_hashes table, keyed by absolute path and
// checked against (size, mtime_ns, ctime_ns, inode): a multi-GB checkpoint is read once, and any
// rewrite of a file (even one that restores its mtime, since ctime cannot be set) re-hashes it.
// Files that need reading are hashed in parallel (one thread per file, up to the core count).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "results/store.h"

namespace mpt::results {

struct HashedFile {
  std::string name;    // file name within the directory
  int64_t size = 0;
  std::string sha256;  // hex
  bool memoised = false;  // taken from file_hashes without reading the file
};

struct ContentHash {
  std::string hash;               // hex sha256 over the files as described above
  std::vector<HashedFile> files;  // sorted by name
  int64_t total_bytes = 0;        // sum of the files' sizes
  int64_t bytes_read = 0;         // bytes actually hashed now (0 when every file was memoised)
};

// Throws mpt::Error (Input) naming the directory when it does not exist, lacks config.json, or
// holds no weight file.
ContentHash hash_checkpoint(Store& store, const std::string& dir);

// `path` is a tokenizer.json file, or a directory with tokenizer.json (plus tokenizer_config.json
// and special_tokens_map.json when present). Input error when there is no tokenizer.json.
ContentHash hash_tokenizer(Store& store, const std::string& path);

}  // namespace mpt::results
