// Malformed checkpoints: each case must fail with an Input error whose message names the file (and
// the tensor, where there is one) and says what was expected; none may crash. Cases are built from
// the fixture by editing bytes, so no binary junk is committed.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>

#include "common/error.h"
#include "models/mapped_file.h"
#include "models/mpt_model.h"
#include "models/safetensors_file.h"
#include "models/safetensors_writer.h"
#include "models/zip_archive.h"
#include "tests/models/fixture_util.h"

namespace mpt::test {
namespace {
namespace fs = std::filesystem;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// A .safetensors file from a header text and a data section.
std::string safetensors(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return out + header + data;
}

class CheckpointErrors : public ::testing::Test {
 protected:
  // A fresh copy of a fixture layout, to break.
  std::string copy(const std::string& layout) {
    dir_ = ::testing::TempDir() + "/ckpt-errors-" + case_;
    fs::remove_all(dir_);
    fs::copy(fixture(layout), dir_, fs::copy_options::recursive);
    for (auto& e : fs::directory_iterator(dir_))
      fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
    return dir_;
  }
  // A copy of mpt-tiny whose model.safetensors is replaced by `bytes`.
  std::string with_safetensors(const std::string& bytes) {
    copy("mpt-tiny");
    write_bytes(dir_ + "/model.safetensors", bytes);
    return dir_;
  }
  // The Input error message of loading `dir` ("no error" when it loads).
  static std::string load_error(const std::string& dir) {
    try {
      MptModel::load(dir);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Input) << e.what();
      return e.what();
    }
    return "no error";
  }

 public:
  // The cases, grouped into a few tests below (each test is a process; libtorch starts slowly).
  // Each builds one broken checkpoint and checks the error message.
  void TruncatedFile();
  void HeaderLengthPastTheEnd();
  void MalformedJsonHeader();
  void HeaderNotAnObject();
  void EntryWithoutOffsets();
  void OffsetsOutOfRange();
  void OffsetsOutOfOrder();
  void OverlappingOffsets();
  void GapBetweenTensors();
  void BytesAfterTheLastTensor();
  void HeaderLengthOneByteShort();
  void UnknownDtype();
  void ByteSizeDoesNotMatchShape();
  void NegativeShape();
  void MissingTensor();
  void MisShapedTensor();
  void IntegerWeights();
  void UnexpectedTensorsAreReportedNotFatal();
  void BadConfigValueNamesTheFile();
  void MissingConfigWeightsOrDirectory();
  void BinNotAZip();
  void BinTruncated();
  void BinCorruptPickle();
  void BinStorageSmallerThanRecorded();
  void BinMissingStorage();
  void ShardMissing();
  void IndexPointsAtTheWrongShard();
  void ShardNameLeavesTheDirectory();
  void IndexWithoutWeightMap();

  void run(const char* name, void (CheckpointErrors::*check)()) {
    SCOPED_TRACE(name);
    case_ = name;
    (this->*check)();
  }

  std::string dir_;
  std::string case_ = "case";
};

#define EXPECT_CONTAINS(haystack, needle)                                                           \
  do {                                                                                              \
    std::string h_ = (haystack);                                                                    \
    EXPECT_NE(h_.find(needle), std::string::npos) << "message: " << h_ << "\nwanted: " << (needle); \
  } while (0)

void CheckpointErrors::TruncatedFile() {
  auto dir = with_safetensors(std::string("\x10\x00\x00", 3));
  EXPECT_CONTAINS(load_error(dir),
                  "truncated safetensors file (" + dir +
                      "/model.safetensors): expected at least 8 bytes (the header length), found 3 bytes");
}

void CheckpointErrors::HeaderLengthPastTheEnd() {
  std::string bytes = read_bytes(fixture("mpt-tiny/model.safetensors"));
  bytes[5] = 1;  // header length += 2^40
  auto dir = with_safetensors(bytes);
  EXPECT_CONTAINS(load_error(dir),
                  "safetensors header length past the end of the file (" + dir + "/model.safetensors)");
  EXPECT_CONTAINS(load_error(dir), "expected a header of at most 477856 bytes, found a header length of 1099511629216");
}

void CheckpointErrors::MalformedJsonHeader() {
  auto dir = with_safetensors(safetensors("{\"transformer.wte.weight\": {\"dtype\": ", ""));
  EXPECT_CONTAINS(load_error(dir),
                  "malformed JSON header in safetensors file (" + dir + "/model.safetensors): expected a JSON object");
}

void CheckpointErrors::HeaderNotAnObject() {
  auto dir = with_safetensors(safetensors("[1, 2, 3]", ""));
  EXPECT_CONTAINS(load_error(dir),
                  "malformed safetensors header (" + dir + "/model.safetensors): expected a JSON object, found array");
}

void CheckpointErrors::EntryWithoutOffsets() {
  auto dir = with_safetensors(safetensors(R"({"a": {"dtype": "F32", "shape": [1]}})", std::string(4, '\0')));
  EXPECT_CONTAINS(load_error(dir), "malformed safetensors entry (" + dir + "/model.safetensors, tensor 'a')");
}

void CheckpointErrors::OffsetsOutOfRange() {
  auto dir = with_safetensors(
      safetensors(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}})", std::string(8, '\0')));
  EXPECT_CONTAINS(
      load_error(dir),
      "data offsets out of range in safetensors file (" + dir +
          "/model.safetensors, tensor 'a'): expected 0 <= begin <= end <= 8 (the data section's size), found [0, 16]");
}

void CheckpointErrors::OffsetsOutOfOrder() {
  auto dir = with_safetensors(
      safetensors(R"({"a": {"dtype": "F32", "shape": [0], "data_offsets": [8, 4]}})", std::string(8, '\0')));
  EXPECT_CONTAINS(load_error(dir),
                  "data offsets out of range in safetensors file (" + dir + "/model.safetensors, tensor 'a')");
}

void CheckpointErrors::OverlappingOffsets() {
  auto dir = with_safetensors(safetensors(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                                              "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}})",
                                          std::string(24, '\0')));
  EXPECT_CONTAINS(load_error(dir), "overlapping tensor data in safetensors file (" + dir +
                                       "/model.safetensors): expected disjoint byte ranges, found 'a' and 'b' overlap");
}

void CheckpointErrors::GapBetweenTensors() {
  auto dir = with_safetensors(safetensors(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                                              "b": {"dtype": "F32", "shape": [2], "data_offsets": [12, 20]}})",
                                          std::string(20, '\0')));
  EXPECT_CONTAINS(load_error(dir), "gap in the tensor data of safetensors file (" + dir +
                                       "/model.safetensors): expected tensor 'b' to begin at data offset 8");
}

void CheckpointErrors::BytesAfterTheLastTensor() {
  auto dir = with_safetensors(
      safetensors(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})", std::string(9, '\0')));
  EXPECT_CONTAINS(load_error(dir), "tensors do not cover the data section of safetensors file (" + dir +
                                       "/model.safetensors): expected a data section of 8 bytes");
}

// The corruption seen in the wild: the header length one byte short, pointing into the header's
// space padding. The JSON still parses; before the tiling check every tensor was read one byte off.
void CheckpointErrors::HeaderLengthOneByteShort() {
  std::string bytes = read_bytes(fixture("mpt-tiny/model.safetensors"));
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(bytes[i]);
  ASSERT_EQ(bytes[8 + n - 1], ' ') << "the fixture's header should end in space padding";
  --n;
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  auto dir = with_safetensors(bytes);
  EXPECT_CONTAINS(load_error(dir), "tensors do not cover the data section of safetensors file (" + dir +
                                       "/model.safetensors)");
}

void CheckpointErrors::UnknownDtype() {
  auto dir = with_safetensors(
      safetensors(R"({"a": {"dtype": "Q4", "shape": [4], "data_offsets": [0, 2]}})", std::string(2, '\0')));
  EXPECT_CONTAINS(load_error(dir), "unknown dtype in safetensors file (" + dir + "/model.safetensors, tensor 'a')");
  EXPECT_CONTAINS(load_error(dir), "found string \"Q4\"");
}

void CheckpointErrors::ByteSizeDoesNotMatchShape() {
  auto dir = with_safetensors(
      safetensors(R"({"a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 20]}})", std::string(20, '\0')));
  EXPECT_CONTAINS(load_error(dir),
                  "tensor byte size does not match its dtype and shape in safetensors file (" + dir +
                      "/model.safetensors, tensor 'a'): expected 24 bytes (F32 [2,3]), found 20 bytes");
}

void CheckpointErrors::NegativeShape() {
  auto dir = with_safetensors(safetensors(R"({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 0]}})", ""));
  EXPECT_CONTAINS(load_error(dir), "malformed shape in safetensors file (" + dir + "/model.safetensors, tensor 'a')");
}

// Rewrites mpt-tiny's weights through `edit` (which may drop, rename, reshape or add tensors).
std::string rewrite(const std::string& dir,
                    const std::function<void(std::vector<TensorEntry>&, std::vector<std::string>&)>& edit) {
  SafetensorsFile in(fixture("mpt-tiny/model.safetensors"));
  std::vector<TensorEntry> entries;
  std::vector<std::string> data;
  for (const RawTensor& t : in.tensors()) {
    entries.push_back({t.name, t.dtype, t.shape});
    data.emplace_back(reinterpret_cast<const char*>(t.data), t.span_bytes);
  }
  edit(entries, data);
  SafetensorsWriter out(dir + "/model.safetensors", entries);
  for (const auto& d : data) out.write(d.data(), d.size());
  out.finish();
  return dir;
}

void CheckpointErrors::MissingTensor() {
  auto dir = rewrite(copy("mpt-tiny"), [](auto& e, auto& d) {
    for (size_t i = 0; i < e.size(); ++i)
      if (e[i].name == "transformer.norm_f.weight") e.erase(e.begin() + i), d.erase(d.begin() + i);
  });
  EXPECT_CONTAINS(load_error(dir), "missing tensor in checkpoint (" + dir +
                                       "): expected tensor 'transformer.norm_f.weight' [64], found no such tensor");
}

void CheckpointErrors::MisShapedTensor() {
  // Block 0 fixes the FFN width (config_reconcile.h); block 1 disagreeing with it is an error.
  auto dir = rewrite(copy("mpt-tiny"), [](auto& e, auto&) {
    for (auto& t : e)
      if (t.name == "transformer.blocks.1.ffn.up_proj.weight") t.shape = {128, 128};
  });
  EXPECT_CONTAINS(load_error(dir), "tensor has the wrong shape for this config (" + dir +
                                       "/model.safetensors, tensor 'transformer.blocks.1.ffn.up_proj.weight'): expected "
                                       "[256, 64], found [128, 128]");
}

void CheckpointErrors::IntegerWeights() {
  auto dir = rewrite(copy("mpt-tiny"), [](auto& e, auto&) {
    for (auto& t : e)
      if (t.name == "transformer.wte.weight") t.dtype = WireDType::I32;
  });
  EXPECT_CONTAINS(
      load_error(dir),
      "tensor is not floating-point (" + dir +
          "/model.safetensors, tensor 'transformer.wte.weight'): expected F32, BF16, F16 or F64, found I32");
}

void CheckpointErrors::UnexpectedTensorsAreReportedNotFatal() {
  auto dir = rewrite(copy("mpt-tiny"), [](auto& e, auto& d) {
    e.push_back({"transformer.blocks.0.attn.rotary.inv_freq", WireDType::F32, {2}});
    d.emplace_back(8, '\0');
  });
  auto model = MptModel::load(dir);
  EXPECT_EQ(model->load_report().unexpected, std::vector<std::string>{"transformer.blocks.0.attn.rotary.inv_freq"});
}

void CheckpointErrors::BadConfigValueNamesTheFile() {
  auto dir = copy("mpt-tiny");
  auto config = nlohmann::json::parse(read_bytes(dir + "/config.json"));
  config["attn_config"]["alibi_bias_max"] = "eight";
  write_bytes(dir + "/config.json", config.dump());
  EXPECT_CONTAINS(load_error(dir), "bad config value for 'attn_config.alibi_bias_max' (" + dir +
                                       "/config.json): expected a finite number, found string \"eight\"");
}

void CheckpointErrors::MissingConfigWeightsOrDirectory() {
  auto dir = copy("mpt-tiny");
  fs::remove(dir + "/model.safetensors");
  EXPECT_CONTAINS(load_error(dir),
                  "no weights in checkpoint directory (" + dir +
                      "): expected model.safetensors, model.safetensors.index.json, pytorch_model.bin or "
                      "pytorch_model.bin.index.json, found none of them");
  fs::remove(dir + "/config.json");
  EXPECT_CONTAINS(load_error(dir), "checkpoint has no config.json (" + dir + ")");
  EXPECT_CONTAINS(load_error(dir + "/nope"), "checkpoint directory not found (" + dir + "/nope)");
}

// ---- torch .bin ----

void CheckpointErrors::BinNotAZip() {
  auto dir = copy("mpt-tiny-bin");
  write_bytes(dir + "/pytorch_model.bin", "\x80\x02\x8a\x0alegacy torch.save");
  EXPECT_CONTAINS(load_error(dir), "not a zip-format torch checkpoint (" + dir + "/pytorch_model.bin)");
}

void CheckpointErrors::BinTruncated() {
  auto dir = copy("mpt-tiny-bin");
  std::string bytes = read_bytes(dir + "/pytorch_model.bin");
  write_bytes(dir + "/pytorch_model.bin", bytes.substr(0, bytes.size() / 2));
  EXPECT_CONTAINS(load_error(dir),
                  "not a zip archive (no end-of-central-directory record) (" + dir + "/pytorch_model.bin)");
}

// Offset of `entry`'s bytes inside the fixture's pytorch_model.bin.
size_t entry_offset(const std::string& path, const std::string& entry) {
  MappedFile map(path);
  ZipArchive zip(map);
  return static_cast<size_t>(zip.data(*zip.find(entry)) - map.data());
}

void CheckpointErrors::BinCorruptPickle() {
  auto dir = copy("mpt-tiny-bin");
  std::string bytes = read_bytes(dir + "/pytorch_model.bin");
  bytes[entry_offset(dir + "/pytorch_model.bin", "pytorch_model/data.pkl") + 2] = '\xfe';  // after PROTO 2
  write_bytes(dir + "/pytorch_model.bin", bytes);
  EXPECT_CONTAINS(load_error(dir), "malformed torch checkpoint pickle: unsupported pickle opcode 0xfe (" + dir +
                                       "/pytorch_model.bin:pytorch_model/data.pkl at byte 2)");
}

void CheckpointErrors::BinStorageSmallerThanRecorded() {
  auto dir = copy("mpt-tiny-bin");
  std::string bytes = read_bytes(dir + "/pytorch_model.bin");
  // The embedding's storage records 20480 elements (BININT2 'M' 00 50); claim 65535.
  size_t at =
      bytes.find(std::string("M\x00\x50", 3), entry_offset(dir + "/pytorch_model.bin", "pytorch_model/data.pkl"));
  ASSERT_NE(at, std::string::npos);
  bytes[at + 1] = bytes[at + 2] = '\xff';
  write_bytes(dir + "/pytorch_model.bin", bytes);
  EXPECT_CONTAINS(load_error(dir),
                  "storage smaller than recorded in torch checkpoint (" + dir +
                      "/pytorch_model.bin, tensor 'transformer.wte.weight'): expected 65535 elements of 4 bytes");
}

void CheckpointErrors::BinMissingStorage() {
  auto dir = copy("mpt-tiny-bin");
  std::string bytes = read_bytes(dir + "/pytorch_model.bin");
  // Rename storage "data/5" in the central directory (the last occurrence of the name).
  size_t at = bytes.rfind("pytorch_model/data/5");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 19] = 'x';
  write_bytes(dir + "/pytorch_model.bin", bytes);
  EXPECT_CONTAINS(load_error(dir), "missing storage in torch checkpoint (" + dir +
                                       "/pytorch_model.bin, tensor 'transformer.blocks.0.ffn.up_proj.weight'): "
                                       "expected an entry 'pytorch_model/data/5'");
}

// ---- sharded ----

void CheckpointErrors::ShardMissing() {
  auto dir = copy("mpt-tiny-sharded");
  fs::remove(dir + "/model-00004-of-00009.safetensors");
  EXPECT_CONTAINS(load_error(dir),
                  "checkpoint shard named in the index is missing (" + dir +
                      "/model.safetensors.index.json): expected a file 'model-00004-of-00009.safetensors'");
}

void CheckpointErrors::IndexPointsAtTheWrongShard() {
  auto dir = copy("mpt-tiny-sharded");
  auto index = nlohmann::json::parse(read_bytes(dir + "/model.safetensors.index.json"));
  index["weight_map"]["transformer.norm_f.weight"] = "model-00001-of-00009.safetensors";
  write_bytes(dir + "/model.safetensors.index.json", index.dump());
  EXPECT_CONTAINS(load_error(dir), "tensor listed in the checkpoint index is missing from its shard (" + dir +
                                       "/model.safetensors.index.json): expected tensor 'transformer.norm_f.weight' in "
                                       "'model-00001-of-00009.safetensors', found no such tensor");
}

void CheckpointErrors::ShardNameLeavesTheDirectory() {
  auto dir = copy("mpt-tiny-sharded");
  auto index = nlohmann::json::parse(read_bytes(dir + "/model.safetensors.index.json"));
  index["weight_map"]["transformer.norm_f.weight"] = "../model.safetensors";
  write_bytes(dir + "/model.safetensors.index.json", index.dump());
  EXPECT_CONTAINS(load_error(dir), "shard name in checkpoint index must be a file in the checkpoint directory (" + dir +
                                       "/model.safetensors.index.json, tensor 'transformer.norm_f.weight')");
}

void CheckpointErrors::IndexWithoutWeightMap() {
  auto dir = copy("mpt-tiny-sharded");
  write_bytes(dir + "/model.safetensors.index.json", R"({"metadata": {}})");
  EXPECT_CONTAINS(load_error(dir), "malformed checkpoint index (" + dir +
                                       "/model.safetensors.index.json): expected an object with a 'weight_map' object");
}

TEST_F(CheckpointErrors, SafetensorsFiles) {
  run("TruncatedFile", &CheckpointErrors::TruncatedFile);
  run("HeaderLengthPastTheEnd", &CheckpointErrors::HeaderLengthPastTheEnd);
  run("MalformedJsonHeader", &CheckpointErrors::MalformedJsonHeader);
  run("HeaderNotAnObject", &CheckpointErrors::HeaderNotAnObject);
  run("EntryWithoutOffsets", &CheckpointErrors::EntryWithoutOffsets);
  run("OffsetsOutOfRange", &CheckpointErrors::OffsetsOutOfRange);
  run("OffsetsOutOfOrder", &CheckpointErrors::OffsetsOutOfOrder);
  run("OverlappingOffsets", &CheckpointErrors::OverlappingOffsets);
  run("GapBetweenTensors", &CheckpointErrors::GapBetweenTensors);
  run("BytesAfterTheLastTensor", &CheckpointErrors::BytesAfterTheLastTensor);
  run("HeaderLengthOneByteShort", &CheckpointErrors::HeaderLengthOneByteShort);
  run("UnknownDtype", &CheckpointErrors::UnknownDtype);
  run("ByteSizeDoesNotMatchShape", &CheckpointErrors::ByteSizeDoesNotMatchShape);
  run("NegativeShape", &CheckpointErrors::NegativeShape);
}

TEST_F(CheckpointErrors, TensorsAgainstTheConfig) {
  run("MissingTensor", &CheckpointErrors::MissingTensor);
  run("MisShapedTensor", &CheckpointErrors::MisShapedTensor);
  run("IntegerWeights", &CheckpointErrors::IntegerWeights);
  run("UnexpectedTensorsAreReportedNotFatal", &CheckpointErrors::UnexpectedTensorsAreReportedNotFatal);
}

TEST_F(CheckpointErrors, ConfigAndDirectory) {
  run("BadConfigValueNamesTheFile", &CheckpointErrors::BadConfigValueNamesTheFile);
  run("MissingConfigWeightsOrDirectory", &CheckpointErrors::MissingConfigWeightsOrDirectory);
}

TEST_F(CheckpointErrors, TorchBinFiles) {
  run("BinNotAZip", &CheckpointErrors::BinNotAZip);
  run("BinTruncated", &CheckpointErrors::BinTruncated);
  run("BinCorruptPickle", &CheckpointErrors::BinCorruptPickle);
  run("BinStorageSmallerThanRecorded", &CheckpointErrors::BinStorageSmallerThanRecorded);
  run("BinMissingStorage", &CheckpointErrors::BinMissingStorage);
}

TEST_F(CheckpointErrors, ShardIndexes) {
  run("ShardMissing", &CheckpointErrors::ShardMissing);
  run("IndexPointsAtTheWrongShard", &CheckpointErrors::IndexPointsAtTheWrongShard);
  run("ShardNameLeavesTheDirectory", &CheckpointErrors::ShardNameLeavesTheDirectory);
  run("IndexWithoutWeightMap", &CheckpointErrors::IndexWithoutWeightMap);
}

// Random single-byte corruption of the parts that describe the data (safetensors header, the
// pickle, the zip directories): every outcome must be a clean load or an mpt::Error.
void fuzz(const std::string& dir, const std::string& file, size_t begin, size_t end, int rounds) {
  const std::string original = read_bytes(dir + "/" + file);
  std::mt19937 rng(1234);
  int errors = 0;
  for (int i = 0; i < rounds; ++i) {
    std::string bytes = original;
    for (int k = 0; k < 1 + static_cast<int>(rng() % 3); ++k)
      bytes[begin + rng() % (end - begin)] = static_cast<char>(rng());
    write_bytes(dir + "/" + file, bytes);
    try {
      MptModel::load(dir);
    } catch (const Error& e) {
      ++errors;
      if (getenv("MPTEVAL_FUZZ_VERBOSE")) std::printf("  %s\n", e.what());
    }
  }
  write_bytes(dir + "/" + file, original);
  std::printf("%s: %d of %d corruptions rejected, none crashed\n", file.c_str(), errors, rounds);
}

TEST_F(CheckpointErrors, FuzzedHeadersNeverCrash) {
  case_ = "fuzz";
  auto st = copy("mpt-tiny");
  fuzz(st, "model.safetensors", 0, 8 + 2048, 300);
  auto bin = copy("mpt-tiny-bin");
  size_t pkl = entry_offset(bin + "/pytorch_model.bin", "pytorch_model/data.pkl");
  fuzz(bin, "pytorch_model.bin", pkl, pkl + 2688, 300);
  size_t central = read_bytes(bin + "/pytorch_model.bin").find("PK\x01\x02");
  fuzz(bin, "pytorch_model.bin", central, fs::file_size(bin + "/pytorch_model.bin"), 300);
}

}  // namespace
}  // namespace mpt::test
