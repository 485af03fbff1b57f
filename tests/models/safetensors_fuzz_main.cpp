// safetensors_fuzz: mutates valid .safetensors files and checks the reader's verdict on each.
//
//   build/tests/models/safetensors_fuzz [--cases 20000] [--seed 1] [--dir /tmp]
//
// Every mutated file must either be rejected with an Input error (the CLI's exit 2) or load to
// exactly the tensors its header describes: each header entry present with its dtype and shape, its
// data at 8 + header length + begin, and the tensors tiling the data section with no byte left over.
// The oracle below reads the header with nlohmann::json independently of the reader under test.
// Mutations: the header length moved by a few bytes (the corruption seen in the wild), bytes of the
// header or of the length replaced, digits in the header changed, bytes appended or cut at the end.
// Prints the counts; exits 1 naming the first cases that broke the rule (seed and case number
// reproduce them).
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "models/raw_tensor.h"
#include "models/safetensors_file.h"

namespace {

using nlohmann::json;

// A valid file of 1-6 small tensors of random dtypes and shapes, header padded with spaces to a
// multiple of 8 as the safetensors library writes it.
std::string make_valid(std::mt19937_64& rng) {
  static const char* kDtypes[] = {"F32", "BF16", "F16", "I64", "U8", "F64"};
  static const int kSizes[] = {4, 2, 2, 8, 1, 8};
  json header = json::object();
  std::string data;
  int count = 1 + static_cast<int>(rng() % 6);
  for (int i = 0; i < count; ++i) {
    int d = static_cast<int>(rng() % 6);
    std::vector<int64_t> shape;
    int rank = static_cast<int>(rng() % 3);
    int64_t numel = 1;
    for (int r = 0; r < rank; ++r) {
      shape.push_back(static_cast<int64_t>(rng() % 5));
      numel *= shape.back();
    }
    uint64_t begin = data.size(), end = begin + numel * kSizes[d];
    for (uint64_t b = begin; b < end; ++b) data.push_back(static_cast<char>(rng() & 0xff));
    header["t" + std::to_string(i)] = {{"dtype", kDtypes[d]}, {"shape", shape}, {"data_offsets", {begin, end}}};
  }
  if (rng() % 2) header["__metadata__"] = {{"format", "pt"}};
  std::string text = header.dump();
  while (text.size() % 8) text.push_back(' ');
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((text.size() >> (8 * i)) & 0xff);
  return out + text + data;
}

uint64_t read_len(const std::string& f) {
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(f[i]);
  return n;
}

void write_len(std::string& f, uint64_t n) {
  for (int i = 0; i < 8; ++i) f[i] = static_cast<char>((n >> (8 * i)) & 0xff);
}

std::string mutate(std::string f, std::mt19937_64& rng) {
  const uint64_t n = read_len(f);
  switch (rng() % 5) {
    case 0: {  // header length moved by -8..+8
      int64_t delta = static_cast<int64_t>(rng() % 17) - 8;
      write_len(f, static_cast<uint64_t>(static_cast<int64_t>(n) + delta));
      break;
    }
    case 1: {  // a byte of the header replaced by a printable one
      size_t at = 8 + rng() % n;
      f[at] = static_cast<char>(0x20 + rng() % 95);
      break;
    }
    case 2: {  // a digit of the header changed (offsets, shapes)
      std::vector<size_t> digits;
      for (size_t i = 8; i < 8 + n; ++i)
        if (f[i] >= '0' && f[i] <= '9') digits.push_back(i);
      if (!digits.empty()) f[digits[rng() % digits.size()]] = static_cast<char>('0' + rng() % 10);
      break;
    }
    case 3: {  // bytes appended or cut at the end
      if (rng() % 2)
        f.append(1 + rng() % 8, '\0');
      else
        f.resize(f.size() - std::min<size_t>(f.size(), 1 + rng() % 8));
      break;
    }
    default:  // a byte of the length field replaced
      f[rng() % 8] = static_cast<char>(rng() & 0xff);
  }
  return f;
}

// Empty when the loaded file is exactly what its header describes; otherwise what differs.
std::string check_loaded(const std::string& f, const mpt::SafetensorsFile& file) {
  const uint64_t n = read_len(f);
  json header = json::parse(f.substr(8, n));
  uint64_t covered = 0;
  size_t described = 0;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") continue;
    ++described;
    const mpt::RawTensor* t = file.find(name);
    if (!t) return "tensor '" + name + "' described but not loaded";
    if (entry["dtype"].get<std::string>() != mpt::wire_dtype_name(t->dtype)) return "dtype of '" + name + "'";
    if (entry["shape"].get<std::vector<int64_t>>() != t->shape) return "shape of '" + name + "'";
    uint64_t begin = entry["data_offsets"][0].get<uint64_t>(), end = entry["data_offsets"][1].get<uint64_t>();
    if (t->span_bytes != end - begin) return "span of '" + name + "'";
    if (8 + n + end > f.size()) return "'" + name + "' reaches past the file";
    if (t->span_bytes && std::memcmp(t->data, f.data() + 8 + n + begin, t->span_bytes) != 0)
      return "bytes of '" + name + "' are not those at its offsets";
    covered += end - begin;
  }
  if (described != file.tensors().size()) return "loaded tensors that the header does not describe";
  if (covered != f.size() - 8 - n)
    return "tensors cover " + std::to_string(covered) + " of the data section's " + std::to_string(f.size() - 8 - n) +
           " bytes";
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Mutation fuzzing of the safetensors reader");
  uint64_t cases = 20000, seed = 1;
  std::string dir = "/tmp";
  app.add_option("--cases", cases, "mutated files to check");
  app.add_option("--seed", seed, "random seed (a seed and a case count reproduce a run)");
  app.add_option("--dir", dir, "where to write the scratch file");
  CLI11_PARSE(app, argc, argv);

  std::mt19937_64 rng(seed);
  const std::string path = dir + "/safetensors_fuzz-" + std::to_string(::getpid()) + ".safetensors";
  uint64_t rejected = 0, loaded = 0;
  std::vector<std::string> failures;
  for (uint64_t i = 0; i < cases; ++i) {
    std::string f = mutate(make_valid(rng), rng);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << f;
    try {
      mpt::SafetensorsFile file(path);
      std::string why = check_loaded(f, file);
      ++loaded;
      if (!why.empty()) failures.push_back("case " + std::to_string(i) + ": accepted, but " + why);
    } catch (const mpt::Error& e) {
      if (e.kind() != mpt::ErrorKind::Input)
        failures.push_back("case " + std::to_string(i) + ": not an input error: " + e.what());
      ++rejected;
    } catch (const std::exception& e) {
      failures.push_back("case " + std::to_string(i) + ": unexpected exception: " + e.what());
    }
    if (failures.size() >= 10) break;
  }
  std::remove(path.c_str());
  std::printf("safetensors_fuzz: seed %llu, %llu rejected (input error), %llu loaded as described, %zu failures\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(rejected),
              static_cast<unsigned long long>(loaded), failures.size());
  for (const auto& f : failures) std::printf("  %s\n", f.c_str());
  return failures.empty() && loaded > 0 && rejected > 0 ? 0 : 1;
}
