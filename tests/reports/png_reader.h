// Minimal PNG decoder for test assertions on screenshots: 8-bit RGB or RGBA, not interlaced
// (what headless Chromium writes). Uses zlib for the IDAT stream.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mpt::test {

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // width * height * 3, row-major
};

// Throws std::runtime_error naming the file for anything it cannot decode.
Image read_png(const std::string& path);

// Pixels exactly equal to (r, g, b).
int64_t count_color(const Image& img, uint8_t r, uint8_t g, uint8_t b);

}  // namespace mpt::test
