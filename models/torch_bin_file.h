// Reader of a PyTorch state dict saved with torch.save (zip format, PyTorch >= 1.6), such as
// Hugging Face's pytorch_model.bin: `<archive>/data.pkl` (the pickle, see pickle_reader.h) plus one
// uncompressed entry `<archive>/data/<key>` per storage. Tensors are views into the memory-mapped
// storages (several may share one, e.g. a tied lm_head.weight and transformer.wte.weight).
//
// Input errors name the file and the tensor: not a zip archive (including the legacy pre-1.6
// format), no data.pkl, big-endian data, a malformed pickle, a missing or compressed storage entry,
// a storage smaller than its recorded size, a view that reaches past its storage. No ATen here.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/mapped_file.h"
#include "models/raw_tensor.h"
#include "models/zip_archive.h"

namespace mpt {

class TorchBinFile {
 public:
  explicit TorchBinFile(const std::string& path);

  const std::string& path() const { return map_->path(); }
  const std::vector<RawTensor>& tensors() const { return tensors_; }
  const RawTensor* find(const std::string& name) const;
  // State-dict keys whose values are not tensors (reported by the loader, never loaded).
  const std::vector<std::string>& non_tensors() const { return non_tensors_; }

 private:
  std::unique_ptr<MappedFile> map_;
  std::vector<RawTensor> tensors_;
  std::map<std::string, size_t> index_;
  std::vector<std::string> non_tensors_;
};

}  // namespace mpt
