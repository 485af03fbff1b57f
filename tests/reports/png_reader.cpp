#include "tests/reports/png_reader.h"

#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mpt::test {
namespace {

uint32_t be32(const uint8_t* p) { return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3]; }

int paeth(int a, int b, int c) {
  int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  return (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
}

std::vector<uint8_t> inflate_all(const std::vector<uint8_t>& in, size_t expected, const std::string& path) {
  std::vector<uint8_t> out(expected);
  z_stream z{};
  if (inflateInit(&z) != Z_OK) throw std::runtime_error("inflateInit failed");
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&z, Z_FINISH);
  inflateEnd(&z);
  if (rc != Z_STREAM_END || z.total_out != expected) throw std::runtime_error("bad IDAT data in " + path);
  return out;
}

}  // namespace

Image read_png(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  if (data.size() < 8 || data.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) throw std::runtime_error("not a PNG: " + path);
  Image img;
  int channels = 0;
  std::vector<uint8_t> idat;
  for (size_t pos = 8; pos + 12 <= data.size();) {
    uint32_t len = be32(p + pos);
    std::string type = data.substr(pos + 4, 4);
    const uint8_t* body = p + pos + 8;
    if (pos + 12 + len > data.size()) throw std::runtime_error("truncated PNG: " + path);
    if (type == "IHDR") {
      img.width = static_cast<int>(be32(body));
      img.height = static_cast<int>(be32(body + 4));
      int depth = body[8], color = body[9], interlace = body[12];
      if (depth != 8 || (color != 2 && color != 6) || interlace != 0)
        throw std::runtime_error("unsupported PNG layout in " + path);
      channels = color == 2 ? 3 : 4;
    } else if (type == "IDAT") {
      idat.insert(idat.end(), body, body + len);
    }
    pos += 12 + len;
  }
  if (!channels) throw std::runtime_error("PNG without IHDR: " + path);
  size_t stride = static_cast<size_t>(img.width) * channels;
  std::vector<uint8_t> raw = inflate_all(idat, (stride + 1) * img.height, path);
  std::vector<uint8_t> cur(stride), prev(stride, 0);
  img.rgb.resize(static_cast<size_t>(img.width) * img.height * 3);
  for (int y = 0; y < img.height; ++y) {
    const uint8_t* line = raw.data() + y * (stride + 1);
    int filter = line[0];
    for (size_t i = 0; i < stride; ++i) {
      int a = i >= static_cast<size_t>(channels) ? cur[i - channels] : 0;
      int b = prev[i];
      int c = i >= static_cast<size_t>(channels) ? prev[i - channels] : 0;
      int x = line[1 + i];
      switch (filter) {
        case 0: break;
        case 1: x += a; break;
        case 2: x += b; break;
        case 3: x += (a + b) / 2; break;
        case 4: x += paeth(a, b, c); break;
        default: throw std::runtime_error("bad PNG filter in " + path);
      }
      cur[i] = static_cast<uint8_t>(x);
    }
    for (int xpix = 0; xpix < img.width; ++xpix)
      for (int k = 0; k < 3; ++k) img.rgb[(static_cast<size_t>(y) * img.width + xpix) * 3 + k] = cur[xpix * channels + k];
    std::swap(cur, prev);
  }
  return img;
}

int64_t count_color(const Image& img, uint8_t r, uint8_t g, uint8_t b) {
  int64_t n = 0;
  for (size_t i = 0; i + 2 < img.rgb.size(); i += 3) n += img.rgb[i] == r && img.rgb[i + 1] == g && img.rgb[i + 2] == b;
  return n;
}

}  // namespace mpt::test
