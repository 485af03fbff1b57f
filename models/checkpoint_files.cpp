#include "models/checkpoint_files.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/error.h"
#include "common/jsonl.h"
#include "common/log.h"
#include "models/safetensors_file.h"
#include "models/torch_bin_file.h"

namespace mpt {
namespace fs = std::filesystem;

CheckpointFiles::CheckpointFiles(const std::string& dir) : dir_(dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw input_error("checkpoint directory not found", dir, "a directory holding config.json and weights",
                      fs::exists(dir, ec) ? "a file" : "nothing");
  auto has = [&](const char* name) { return fs::is_regular_file(fs::path(dir) / name, ec); };
  if (has("model.safetensors")) {
    layout_ = Layout::Safetensors;
    files_.push_back((fs::path(dir) / "model.safetensors").string());
    safetensors_.push_back(std::make_unique<SafetensorsFile>(files_.back()));
    for (const auto& t : safetensors_.back()->tensors()) add(t);
  } else if (has("model.safetensors.index.json")) {
    layout_ = Layout::SafetensorsSharded;
    open_sharded("model.safetensors.index.json", true);
  } else if (has("pytorch_model.bin")) {
    layout_ = Layout::TorchBin;
    files_.push_back((fs::path(dir) / "pytorch_model.bin").string());
    bins_.push_back(std::make_unique<TorchBinFile>(files_.back()));
    for (const auto& t : bins_.back()->tensors()) add(t);
    for (const auto& k : bins_.back()->non_tensors()) non_tensors_.push_back(files_.back() + ": " + k);
  } else if (has("pytorch_model.bin.index.json")) {
    layout_ = Layout::TorchBinSharded;
    open_sharded("pytorch_model.bin.index.json", false);
  } else {
    throw input_error("no weights in checkpoint directory", dir,
                      "model.safetensors, model.safetensors.index.json, pytorch_model.bin or pytorch_model.bin.index.json",
                      "none of them");
  }
  std::sort(files_.begin(), files_.end());
}

CheckpointFiles::~CheckpointFiles() = default;

const char* CheckpointFiles::layout_name(Layout l) {
  switch (l) {
    case Layout::Safetensors: return "safetensors";
    case Layout::SafetensorsSharded: return "sharded safetensors";
    case Layout::TorchBin: return "torch .bin";
    case Layout::TorchBinSharded: return "sharded torch .bin";
  }
  return "?";
}

void CheckpointFiles::add(const RawTensor& t) {
  auto [it, fresh] = by_name_.emplace(t.name, &t);
  if (!fresh)
    throw input_error("tensor stored twice in checkpoint", dir_ + ", tensor '" + t.name + "'", "one copy",
                      "copies in '" + it->second->file + "' and '" + t.file + "'");
}

void CheckpointFiles::open_sharded(const std::string& index_name, bool safetensors) {
  const std::string index_path = (fs::path(dir_) / index_name).string();
  files_.push_back(index_path);
  nlohmann::json index = parse_json(read_file(index_path), index_path);
  if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
    throw input_error("malformed checkpoint index", index_path, "an object with a 'weight_map' object",
                      describe_json(index));
  // Open every shard the index names once, in name order.
  std::map<std::string, size_t> shard_slot;
  for (const auto& [tensor, shard] : index["weight_map"].items()) {
    if (!shard.is_string())
      throw input_error("malformed checkpoint index", index_path + ", tensor '" + tensor + "'", "a shard file name",
                        describe_json(shard));
    const std::string name = shard.get<std::string>();
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
      throw input_error("shard name in checkpoint index must be a file in the checkpoint directory",
                        index_path + ", tensor '" + tensor + "'", "a plain file name", quote_excerpt(name));
    shard_slot.emplace(name, 0);
  }
  std::error_code ec;
  size_t slot = 0;
  for (auto& [name, s] : shard_slot) {
    const std::string path = (fs::path(dir_) / name).string();
    if (!fs::is_regular_file(path, ec))
      throw input_error("checkpoint shard named in the index is missing", index_path, "a file '" + name + "'", "none");
    files_.push_back(path);
    s = slot++;
    if (safetensors) safetensors_.push_back(std::make_unique<SafetensorsFile>(path));
    else bins_.push_back(std::make_unique<TorchBinFile>(path));
  }
  // The index decides which shard holds a tensor.
  for (const auto& [tensor, shard] : index["weight_map"].items()) {
    size_t s = shard_slot.at(shard.get<std::string>());
    const RawTensor* t = safetensors ? safetensors_[s]->find(tensor) : bins_[s]->find(tensor);
    if (!t)
      throw input_error("tensor listed in the checkpoint index is missing from its shard", index_path,
                        "tensor '" + tensor + "' in '" + shard.get<std::string>() + "'", "no such tensor");
    add(*t);
  }
  // A shard tensor the index does not assign to it is still loaded when no other shard has it (HF
  // reads whole shards); a second copy is ignored. Both are unusual enough to mention.
  auto check_listed = [&](const std::vector<RawTensor>& ts) {
    for (const auto& t : ts) {
      auto it = by_name_.find(t.name);
      if (it == by_name_.end()) {
        MPT_LOG(Warn, "tensor '{}' in {} is not listed in {}; loading it anyway", t.name, t.file, index_name);
        add(t);
      } else if (it->second != &t) {
        MPT_LOG(Warn, "ignoring a second copy of tensor '{}' in {} (the index places it in {})", t.name, t.file,
                it->second->file);
      }
    }
  };
  for (const auto& f : safetensors_) check_listed(f->tensors());
  for (const auto& f : bins_) {
    check_listed(f->tensors());
    for (const auto& k : f->non_tensors()) non_tensors_.push_back(f->path() + ": " + k);
  }
}

const RawTensor* CheckpointFiles::find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

std::vector<std::string> CheckpointFiles::names() const {
  std::vector<std::string> out;
  for (const auto& [n, t] : by_name_) out.push_back(n);
  return out;
}

}  // namespace mpt
