// A read-only memory map of a whole file, so that checkpoint tensors are read straight from the
// page cache without a copy, and pages can be handed back once their tensor has been converted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace mpt {

class MappedFile {
 public:
  // Maps `path` read-only. Throws an Input error naming the file when it cannot be opened or mapped.
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::string& path() const { return path_; }
  const uint8_t* data() const { return data_; }  // nullptr for an empty file
  uint64_t size() const { return size_; }

  // Drops the resident pages fully inside [p, p + n) from this process (madvise DONTNEED); the data
  // stays readable (it is read again from the file on the next access). Keeps peak resident memory
  // near the size of the converted weights instead of weights + file.
  void release(const void* p, uint64_t n) const;

 private:
  std::string path_;
  uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace mpt
