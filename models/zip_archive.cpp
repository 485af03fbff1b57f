#include "models/zip_archive.h"

#include <algorithm>
#include <cstring>

#include "common/error.h"

namespace mpt {
namespace {

constexpr uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50, kEndSig = 0x06054b50;
constexpr uint32_t kEnd64Sig = 0x06064b50, kLocator64Sig = 0x07064b50;

// Bounds-checked little-endian reads from the mapped file.
class Reader {
 public:
  Reader(const MappedFile& f) : f_(f) {}
  void need(uint64_t at, uint64_t n, const char* what) const {
    if (at > f_.size() || n > f_.size() - at)
      throw input_error(std::string("truncated zip archive: ") + what + " past the end of the file", f_.path(),
                        "a complete torch.save archive", std::to_string(f_.size()) + " bytes");
  }
  uint64_t le(uint64_t at, int bytes) const {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | f_.data()[at + i];
    return v;
  }
  uint16_t u16(uint64_t at) const { return static_cast<uint16_t>(le(at, 2)); }
  uint32_t u32(uint64_t at) const { return static_cast<uint32_t>(le(at, 4)); }
  uint64_t u64(uint64_t at) const { return le(at, 8); }

 private:
  const MappedFile& f_;
};

}  // namespace

ZipArchive::ZipArchive(const MappedFile& file) : file_(file) {
  Reader r(file);
  const uint64_t size = file.size();
  const std::string& path = file.path();
  if (size < 22) throw input_error("not a zip archive (too short)", path, "a torch.save zip archive", std::to_string(size) + " bytes");

  // The end-of-central-directory record is the last thing in the file, before a comment of <= 64 KiB.
  uint64_t end = UINT64_MAX;
  for (uint64_t at = size - 22;; --at) {
    if (r.u32(at) == kEndSig) {
      end = at;
      break;
    }
    if (at == 0 || size - at > 22 + 65535) break;
  }
  if (end == UINT64_MAX)
    throw input_error("not a zip archive (no end-of-central-directory record)", path, "a torch.save zip archive",
                      "none in the last 64 KiB");
  uint64_t count = r.u16(end + 10), cd_size = r.u32(end + 12), cd_offset = r.u32(end + 16);
  if (end >= 20 && r.u32(end - 20) == kLocator64Sig) {
    uint64_t at = r.u64(end - 20 + 8);
    r.need(at, 56, "zip64 end-of-central-directory record");
    if (r.u32(at) != kEnd64Sig)
      throw input_error("corrupt zip64 end-of-central-directory record", path, "signature 0x06064b50", "another value");
    count = r.u64(at + 32);
    cd_size = r.u64(at + 40);
    cd_offset = r.u64(at + 48);
  }
  r.need(cd_offset, cd_size, "central directory");

  uint64_t at = cd_offset;
  for (uint64_t i = 0; i < count; ++i) {
    r.need(at, 46, "central directory entry");
    if (r.u32(at) != kCentralSig)
      throw input_error("corrupt zip central directory", path + ", entry " + std::to_string(i),
                        "signature 0x02014b50", "another value");
    Entry e;
    e.method = r.u16(at + 10);
    e.packed_size = r.u32(at + 20);
    e.size = r.u32(at + 24);
    uint64_t name_len = r.u16(at + 28), extra_len = r.u16(at + 30), comment_len = r.u16(at + 32);
    e.header_offset = r.u32(at + 42);
    r.need(at + 46, name_len + extra_len + comment_len, "central directory entry name");
    e.name.assign(reinterpret_cast<const char*>(file.data() + at + 46), name_len);
    // Zip64 extended information: the 64-bit values of the fields saturated at 0xFFFFFFFF, in order.
    uint64_t x = at + 46 + name_len, x_end = x + extra_len;
    while (x + 4 <= x_end) {
      uint16_t id = r.u16(x), len = r.u16(x + 2);
      if (x + 4 + len > x_end) break;
      if (id == 0x0001) {
        uint64_t f = x + 4, f_end = f + len;
        auto take = [&](uint64_t& field) {
          if (field != 0xFFFFFFFFu) return;
          if (f + 8 > f_end)
            throw input_error("corrupt zip64 extra field", path + ", entry '" + e.name + "'", "8 more bytes", "fewer");
          field = r.u64(f);
          f += 8;
        };
        take(e.size);
        take(e.packed_size);
        take(e.header_offset);
      }
      x += 4 + len;
    }
    entries_.push_back(std::move(e));
    at += 46 + name_len + extra_len + comment_len;
  }
}

const ZipArchive::Entry* ZipArchive::find(const std::string& name) const {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.name == name; });
  return it == entries_.end() ? nullptr : &*it;
}

const uint8_t* ZipArchive::data(const Entry& e) const {
  Reader r(file_);
  std::string where = file_.path() + ", entry '" + e.name + "'";
  if (e.method != 0)
    throw input_error("compressed zip entry", where, "a stored (uncompressed) entry, as torch.save writes",
                      "compression method " + std::to_string(e.method));
  if (e.packed_size != e.size)
    throw input_error("corrupt zip entry", where, "equal stored and uncompressed sizes",
                      std::to_string(e.packed_size) + " and " + std::to_string(e.size));
  r.need(e.header_offset, 30, "local file header");
  if (r.u32(e.header_offset) != kLocalSig)
    throw input_error("corrupt zip local file header", where, "signature 0x04034b50", "another value");
  // The local header repeats the entry's name; a corrupt name length there would shift the data start
  // and every tensor read from it, so the name must match the central directory's byte for byte.
  const uint16_t local_name_len = r.u16(e.header_offset + 26);
  r.need(e.header_offset + 30, local_name_len, "local file name");
  if (local_name_len != e.name.size() ||
      std::memcmp(file_.data() + e.header_offset + 30, e.name.data(), e.name.size()) != 0)
    throw input_error("corrupt zip local file header", where,
                      "the entry's name (" + std::to_string(e.name.size()) + " bytes) as in the central directory",
                      "a local name of " + std::to_string(local_name_len) + " bytes that differs");
  uint64_t start = e.header_offset + 30 + local_name_len + r.u16(e.header_offset + 28);
  r.need(start, e.size, "entry data");
  return file_.data() + start;
}

}  // namespace mpt
