// SHA-256 (FIPS 180-4), used for content hashes: checkpoints, tokenizer files, data files,
// task configurations, prompts and cache keys. Streaming, so multi-GB files hash in constant memory.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace mpt {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(std::string_view s) { update(s.data(), s.size()); }
  std::array<uint8_t, 32> digest();  // finalizes; the object must not be updated afterwards
  std::string hex_digest();          // lowercase hex of digest()

 private:
  void block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[64];
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

std::string sha256_hex(std::string_view data);
// Hashes a whole file; throws mpt::Error (Input) naming the file when it cannot be read.
std::string sha256_file_hex(const std::string& path);

}  // namespace mpt
