// The central directory of a zip archive (PKWARE APPNOTE 6.3), as written by torch.save since
// PyTorch 1.6: entries are stored uncompressed, so their bytes can be used in place from a
// memory map. Zip64 records (archives or entries over 4 GB) are understood.
// Every inconsistency (no end-of-central-directory record, a record or entry past the end of the
// file, a bad signature) is an Input error naming the archive. No ATen here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/mapped_file.h"

namespace mpt {

class ZipArchive {
 public:
  struct Entry {
    std::string name;
    uint16_t method = 0;        // 0 = stored; anything else cannot be read in place
    uint64_t size = 0;          // uncompressed size
    uint64_t packed_size = 0;   // compressed size
    uint64_t header_offset = 0; // of the local file header
  };

  // Parses the central directory of the mapped file (which must outlive this object).
  explicit ZipArchive(const MappedFile& file);

  const std::vector<Entry>& entries() const { return entries_; }
  const Entry* find(const std::string& name) const;

  // The bytes of a stored entry, validated to lie inside the file. Input error for a compressed
  // entry or a local header that does not match.
  const uint8_t* data(const Entry& e) const;

 private:
  const MappedFile& file_;
  std::vector<Entry> entries_;
};

}  // namespace mpt
