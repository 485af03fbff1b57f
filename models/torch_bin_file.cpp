#include "models/torch_bin_file.h"

#include <cstring>

#include "common/error.h"
#include "models/pickle_reader.h"

namespace mpt {

TorchBinFile::TorchBinFile(const std::string& path) : map_(std::make_unique<MappedFile>(path)) {
  if (map_->size() < 4 || std::memcmp(map_->data(), "PK\x03\x04", 4) != 0)
    throw input_error("not a zip-format torch checkpoint", path,
                      "a torch.save file from PyTorch >= 1.6 (a zip archive; re-save the legacy format or convert "
                      "it to safetensors)",
                      "no zip signature at the start");
  ZipArchive zip(*map_);
  const ZipArchive::Entry* pkl = nullptr;
  for (const auto& e : zip.entries()) {
    size_t slash = e.name.find('/');
    if (slash != std::string::npos && e.name.substr(slash + 1) == "data.pkl") {
      if (pkl) throw input_error("torch checkpoint holds two data.pkl entries", path, "one", "'" + pkl->name + "' and '" + e.name + "'");
      pkl = &e;
    }
  }
  if (!pkl) throw input_error("torch checkpoint has no data.pkl", path, "an entry '<archive>/data.pkl'", "none");
  const std::string prefix = pkl->name.substr(0, pkl->name.size() - std::strlen("data.pkl"));
  if (const auto* bo = zip.find(prefix + "byteorder")) {
    std::string order(reinterpret_cast<const char*>(zip.data(*bo)), bo->size);
    if (order != "little")
      throw input_error("unsupported byte order in torch checkpoint", path, "little", quote_excerpt(order));
  }

  PickledStateDict sd = read_state_dict_pickle(zip.data(*pkl), pkl->size, path + ":" + pkl->name);
  non_tensors_ = std::move(sd.non_tensors);
  for (const PickledTensor& p : sd.tensors) {
    std::string where = path + ", tensor '" + p.name + "'";
    const std::string entry_name = prefix + "data/" + p.storage_key;
    const ZipArchive::Entry* e = zip.find(entry_name);
    if (!e) throw input_error("missing storage in torch checkpoint", where, "an entry '" + entry_name + "'", "none");
    const int elem = wire_dtype_size(p.dtype);
    uint64_t storage_bytes = 0;
    if (__builtin_mul_overflow(static_cast<uint64_t>(p.storage_numel), static_cast<uint64_t>(elem), &storage_bytes) ||
        e->size != storage_bytes)
      throw input_error(e->size < storage_bytes ? "storage smaller than recorded in torch checkpoint"
                                                : "storage larger than recorded in torch checkpoint",
                        where,
                        std::to_string(p.storage_numel) + " elements of " + std::to_string(elem) + " bytes",
                        std::to_string(e->size) + " bytes in '" + entry_name + "'");
    // Highest element index the view touches; it must lie inside the storage.
    int64_t numel = checked_numel(p.sizes);
    int64_t last = p.storage_offset;
    bool overflow = numel < 0;
    for (size_t d = 0; d < p.sizes.size() && numel > 0 && !overflow; ++d) {
      int64_t reach = 0;
      overflow = __builtin_mul_overflow(p.sizes[d] - 1, p.strides[d], &reach) || __builtin_add_overflow(last, reach, &last);
    }
    if (overflow || (numel > 0 && last >= p.storage_numel) || (numel == 0 && p.storage_offset > p.storage_numel))
      throw input_error("tensor view reaches past its storage in torch checkpoint", where,
                        "indices below the storage's " + std::to_string(p.storage_numel) + " elements",
                        "offset " + std::to_string(p.storage_offset) + " with size " + shape_string(p.sizes));
    RawTensor t;
    t.name = p.name;
    t.dtype = p.dtype;
    t.shape = p.sizes;
    t.strides = p.strides;
    t.data = zip.data(*e) + static_cast<uint64_t>(p.storage_offset) * elem;
    t.span_bytes = numel > 0 ? static_cast<uint64_t>(last - p.storage_offset + 1) * elem : 0;
    t.file = path;
    t.mapping = map_.get();
    index_[t.name] = tensors_.size();
    tensors_.push_back(std::move(t));
  }
}

const RawTensor* TorchBinFile::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

}  // namespace mpt
