#include "common/sha256.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/error.h"

namespace mpt {

// Test vectors from FIPS 180-4 examples / NIST CAVS (the well-known "abc" and empty-string digests).
TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, StreamingEqualsOneShot) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += static_cast<char>(i * 7 + 3);
  Sha256 h;
  for (size_t i = 0; i < data.size(); i += 13) h.update(data.substr(i, 13));
  EXPECT_EQ(h.hex_digest(), sha256_hex(data));
}

TEST(Sha256, FileHashAndMissingFile) {
  auto path = std::filesystem::temp_directory_path() / "mpteval_sha_test.txt";
  { std::ofstream(path) << "abc"; }
  EXPECT_EQ(sha256_file_hex(path.string()), sha256_hex("abc"));
  std::filesystem::remove(path);
  EXPECT_THROW(sha256_file_hex(path.string()), Error);
}

}  // namespace mpt

namespace mpt {

// Cross-check against coreutils' sha256sum (an independent implementation) on lengths around
// every block and padding boundary, so the SHA-NI path and the block splitting are covered.
TEST(Sha256, AgreesWithCoreutilsOnManyLengths) {
  if (std::system("command -v sha256sum >/dev/null 2>&1") != 0) GTEST_SKIP() << "sha256sum not installed";
  auto path = std::filesystem::temp_directory_path() / "mpteval_sha_lengths.bin";
  std::string data;
  uint32_t x = 12345;
  for (size_t len : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 119u, 120u, 127u, 128u, 129u, 1000u, 4096u, 100003u}) {
    data.resize(len);
    for (char& c : data) c = static_cast<char>((x = x * 1664525u + 1013904223u) >> 24);
    { std::ofstream(path, std::ios::binary) << data; }
    std::string cmd = "sha256sum " + path.string();
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    char buf[65] = {};
    ASSERT_EQ(std::fread(buf, 1, 64, p), 64u);
    pclose(p);
    EXPECT_EQ(sha256_hex(data), std::string(buf)) << "length " << len;
  }
  std::filesystem::remove(path);
}

}  // namespace mpt
