#include "common/jsonl.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"

namespace mpt {
namespace {

std::string temp_file(const std::string& name, const std::string& content) {
  auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Jsonl, ReadsObjectsSkippingBlankLines) {
  auto path = temp_file("mpteval_ok.jsonl", "{\"a\": 1}\n\n{\"a\": 2}\r\n");
  auto rows = read_jsonl_objects(path);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1]["a"], 2);
}

TEST(Jsonl, MalformedLineNamesFileAndLine) {
  auto path = temp_file("mpteval_bad.jsonl", "{\"a\": 1}\n{\"a\": \n");
  std::string msg = error_of([&] { read_jsonl_objects(path); });
  EXPECT_NE(msg.find("mpteval_bad.jsonl:2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("malformed JSON line"), std::string::npos) << msg;
}

TEST(Jsonl, CallbackErrorsGetTheLocation) {
  auto path = temp_file("mpteval_cb.jsonl", "{\"a\": 1}\n{\"b\": 1}\n");
  std::string msg = error_of([&] {
    for_each_jsonl(path, [&](const nlohmann::json& v, int) { require_int(v, "a", "row"); });
  });
  EXPECT_NE(msg.find("missing key 'a'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("mpteval_cb.jsonl:2"), std::string::npos) << msg;
}

TEST(Jsonl, NotAnObjectAndWrongTypes) {
  auto path = temp_file("mpteval_arr.jsonl", "[1,2]\n");
  EXPECT_NE(error_of([&] { read_jsonl_objects(path); }).find("expected an object"), std::string::npos);
  nlohmann::json j = {{"s", 3}};
  EXPECT_NE(error_of([&] { require_string(j, "s", "w"); }).find("expected a string, found number 3"),
            std::string::npos);
}

TEST(Jsonl, ReadsGzip) {
  auto path = (std::filesystem::temp_directory_path() / "mpteval_z.jsonl.gz").string();
  gzFile f = gzopen(path.c_str(), "wb");
  std::string body = "{\"x\": \"y\"}\n";
  gzwrite(f, body.data(), static_cast<unsigned>(body.size()));
  gzclose(f);
  auto rows = read_jsonl_objects(path);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["x"], "y");
  auto trunc = temp_file("mpteval_trunc.jsonl.gz", std::string("\x1f\x8b\x08\x00garbage"));
  EXPECT_THROW(read_file(trunc), Error);
}

TEST(Jsonl, MissingFileIsInputError) {
  try {
    read_file("/nonexistent/x.jsonl");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/x.jsonl"), std::string::npos);
  }
}

TEST(Jsonl, AtomicWriteReplaces) {
  auto path = temp_file("mpteval_atomic.txt", "old");
  write_file_atomic(path, "new content");
  EXPECT_EQ(read_file(path), "new content");
}

}  // namespace mpt
