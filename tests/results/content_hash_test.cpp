// Checkpoint and tokenizer content hashes, and their memo.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "common/sha256.h"
#include "results/content_hash.h"
#include "tests/results/run_builder.h"

using namespace mpt;
using namespace mpt::results;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& p, const std::string& content) { std::ofstream(p, std::ios::binary) << content; }

// A small HF-style checkpoint directory.
std::string make_checkpoint(const std::string& root, const std::string& weights) {
  fs::path dir = fs::path(root) / "ckpt";
  fs::create_directories(dir);
  write(dir / "config.json", R"({"model_type": "mpt", "d_model": 64})");
  write(dir / "model.safetensors", weights);
  write(dir / "generation_config.json", "{}");  // not part of the hash
  write(dir / "training_args.bin", "args");      // not a weight file
  write(dir / "README.md", "hello");
  return dir.string();
}

class ContentHashTest : public ::testing::Test {
 protected:
  std::string root = test::temp_dir("hash");
  Store store = Store::open(root + "/s.db");
};

}  // namespace

TEST_F(ContentHashTest, CoversConfigAndWeightsOnly) {
  std::string dir = make_checkpoint(root, "WEIGHTS-A");
  ContentHash h = hash_checkpoint(store, dir);
  ASSERT_EQ(h.files.size(), 2u);
  EXPECT_EQ(h.files[0].name, "config.json");
  EXPECT_EQ(h.files[1].name, "model.safetensors");
  EXPECT_EQ(h.files[1].sha256, sha256_hex("WEIGHTS-A"));
  EXPECT_EQ(h.hash.size(), 64u);
  std::string before = h.hash;
  write(fs::path(dir) / "README.md", "changed");
  write(fs::path(dir) / "generation_config.json", R"({"x": 1})");
  EXPECT_EQ(hash_checkpoint(store, dir).hash, before);
  write(fs::path(dir) / "config.json", R"({"model_type": "mpt", "d_model": 128})");
  EXPECT_NE(hash_checkpoint(store, dir).hash, before);
}

TEST_F(ContentHashTest, ShardsAndIndexesCountAndRenamesChangeTheHash) {
  fs::path dir = fs::path(root) / "sharded";
  fs::create_directories(dir);
  write(dir / "config.json", "{}");
  write(dir / "model-00001-of-00002.safetensors", "S1");
  write(dir / "model-00002-of-00002.safetensors", "S2");
  write(dir / "model.safetensors.index.json", R"({"weight_map": {}})");
  write(dir / "pytorch_model.bin", "BIN");
  ContentHash h = hash_checkpoint(store, dir.string());
  EXPECT_EQ(h.files.size(), 5u);
  fs::rename(dir / "pytorch_model.bin", dir / "pytorch_model-renamed.bin");
  EXPECT_NE(hash_checkpoint(store, dir.string()).hash, h.hash);
}

TEST_F(ContentHashTest, MemoisedFilesAreNotReadAgain) {
  std::string dir = make_checkpoint(root, std::string(1 << 20, 'w'));
  ContentHash first = hash_checkpoint(store, dir);
  EXPECT_EQ(first.bytes_read, first.total_bytes);
  ContentHash second = hash_checkpoint(store, dir);
  EXPECT_EQ(second.bytes_read, 0);
  EXPECT_EQ(second.hash, first.hash);
  for (const HashedFile& f : second.files) EXPECT_TRUE(f.memoised) << f.name;
}

TEST_F(ContentHashTest, ARewriteIsSeenEvenWithTheSameSizeAndRestoredMtime) {
  std::string dir = make_checkpoint(root, "WEIGHTS-A");
  fs::path w = fs::path(dir) / "model.safetensors";
  ContentHash a = hash_checkpoint(store, dir);
  struct stat st {};
  ASSERT_EQ(stat(w.c_str(), &st), 0);
  {  // same size, same inode, written in place
    std::fstream f(w, std::ios::in | std::ios::out | std::ios::binary);
    f.write("WEIGHTS-B", 9);
  }
  struct timespec times[2] = {st.st_atim, st.st_mtim};  // put the old mtime back, as rsync -t or a careless copy might
  ASSERT_EQ(utimensat(AT_FDCWD, w.c_str(), times, 0), 0);
  ContentHash b = hash_checkpoint(store, dir);
  EXPECT_NE(b.hash, a.hash);  // ctime changed, so the memo was not trusted
  EXPECT_EQ(b.files[1].sha256, sha256_hex("WEIGHTS-B"));
  EXPECT_FALSE(b.files[1].memoised);
}

TEST_F(ContentHashTest, ErrorsNameTheDirectory) {
  auto message = [&](const std::string& dir) {
    try {
      hash_checkpoint(store, dir);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Input);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(root + "/nope").find("not found"), std::string::npos);
  fs::create_directories(root + "/empty");
  EXPECT_NE(message(root + "/empty").find("config.json"), std::string::npos);
  write(fs::path(root) / "empty" / "config.json", "{}");
  std::string msg = message(root + "/empty");
  EXPECT_NE(msg.find("no weight files"), std::string::npos) << msg;
  EXPECT_NE(msg.find(root + "/empty"), std::string::npos) << msg;
}

TEST_F(ContentHashTest, TokenizerFileOrDirectory) {
  fs::path dir = fs::path(root) / "tok";
  fs::create_directories(dir);
  write(dir / "tokenizer.json", R"({"model": {}})");
  std::string as_dir = hash_tokenizer(store, dir.string()).hash;
  write(fs::path(root) / "20B_tokenizer.json", R"({"model": {}})");
  EXPECT_EQ(hash_tokenizer(store, root + "/20B_tokenizer.json").hash, as_dir);  // the name does not matter
  write(dir / "special_tokens_map.json", "{}");
  EXPECT_NE(hash_tokenizer(store, dir.string()).hash, as_dir);
  EXPECT_THROW(hash_tokenizer(store, root + "/nothing"), Error);
}
