// The weight files of a Hugging Face checkpoint directory, opened (memory-mapped) and indexed by
// tensor name. Layouts, in the order they are looked for (the first present wins, as in HF):
//   model.safetensors
//   model.safetensors.index.json   + the shards its weight_map names
//   pytorch_model.bin              (torch.save zip format)
//   pytorch_model.bin.index.json   + the .bin shards its weight_map names
// Input errors name the directory or file: no weights at all, an index that is not JSON or has no
// weight_map object, a shard name that leaves the directory, a missing shard, a tensor the index
// places in a shard that lacks it, a tensor present in two files, and anything the file readers reject.
// No ATen here.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/raw_tensor.h"

namespace mpt {

class SafetensorsFile;
class TorchBinFile;

class CheckpointFiles {
 public:
  enum class Layout { Safetensors, SafetensorsSharded, TorchBin, TorchBinSharded };

  explicit CheckpointFiles(const std::string& dir);
  ~CheckpointFiles();
  CheckpointFiles(const CheckpointFiles&) = delete;
  CheckpointFiles& operator=(const CheckpointFiles&) = delete;

  Layout layout() const { return layout_; }
  static const char* layout_name(Layout l);
  const std::string& dir() const { return dir_; }

  // The weight files and the index (when sharded), as "<dir>/<name>", sorted. With config.json,
  // these are the files that identify a checkpoint.
  const std::vector<std::string>& files() const { return files_; }

  // The tensor called `name`, or nullptr.
  const RawTensor* find(const std::string& name) const;
  // Every tensor name, sorted.
  std::vector<std::string> names() const;
  // Non-tensor state-dict entries of .bin files ("file: key"), for reporting.
  const std::vector<std::string>& non_tensors() const { return non_tensors_; }

 private:
  void add(const RawTensor& t);
  void open_sharded(const std::string& index_name, bool safetensors);

  std::string dir_;
  Layout layout_ = Layout::Safetensors;
  std::vector<std::string> files_;
  std::vector<std::unique_ptr<SafetensorsFile>> safetensors_;
  std::vector<std::unique_ptr<TorchBinFile>> bins_;
  std::map<std::string, const RawTensor*> by_name_;
  std::vector<std::string> non_tensors_;
};

}  // namespace mpt
