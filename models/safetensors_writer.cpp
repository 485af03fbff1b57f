#include "models/safetensors_writer.h"

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace mpt {

uint64_t TensorEntry::bytes() const { return static_cast<uint64_t>(checked_numel(shape)) * wire_dtype_size(dtype); }

SafetensorsWriter::SafetensorsWriter(const std::string& path, const std::vector<TensorEntry>& entries)
    : path_(path), tmp_(path + ".tmp-" + std::to_string(::getpid())) {
  nlohmann::json header = {{"__metadata__", {{"format", "pt"}}}};
  for (const auto& e : entries) {
    header[e.name] = {{"dtype", wire_dtype_name(e.dtype)}, {"shape", e.shape}, {"data_offsets", {expected_, expected_ + e.bytes()}}};
    expected_ += e.bytes();
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  file_ = std::fopen(tmp_.c_str(), "wb");
  if (!file_) throw runtime_error("cannot create checkpoint file", tmp_, "a writable directory", std::strerror(errno));
  uint8_t len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(static_cast<uint64_t>(text.size()) >> (8 * i));
  if (std::fwrite(len, 1, 8, file_) != 8 || std::fwrite(text.data(), 1, text.size(), file_) != text.size())
    throw runtime_error("cannot write checkpoint file", tmp_, "", std::strerror(errno));
}

SafetensorsWriter::~SafetensorsWriter() {
  if (file_) {
    std::fclose(file_);
    std::remove(tmp_.c_str());
  }
}

void SafetensorsWriter::write(const void* data, uint64_t n) {
  if (n > expected_ - written_) throw runtime_error("safetensors writer: more data than announced", path_);
  if (std::fwrite(data, 1, n, file_) != n) throw runtime_error("cannot write checkpoint file", tmp_, "", std::strerror(errno));
  written_ += n;
}

void SafetensorsWriter::finish() {
  if (written_ != expected_)
    throw runtime_error("safetensors writer: data missing", path_, std::to_string(expected_) + " bytes",
                        std::to_string(written_) + " bytes");
  bool ok = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
  ok = std::fclose(file_) == 0 && ok;
  file_ = nullptr;
  if (!ok || std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    std::remove(tmp_.c_str());
    throw runtime_error("cannot finish checkpoint file", path_, "", std::strerror(errno));
  }
}

}  // namespace mpt
