#include "models/random_checkpoint.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <numbers>
#include <random>
#include <thread>
#include <vector>

#include "common/error.h"
#include "common/interrupt.h"
#include "common/jsonl.h"
#include "common/log.h"
#include "common/progress.h"
#include "models/mpt_tensors.h"
#include "models/safetensors_writer.h"

namespace mpt {
namespace {
namespace fs = std::filesystem;

constexpr int64_t kChunk = 1 << 20;  // elements per independently seeded stream

uint64_t mix(uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint64_t name_hash(const std::string& s) {  // FNV-1a
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

// Standard normal values by Box-Muller from 53-bit uniforms: fully specified, so identical everywhere.
void fill_normal(float* out, int64_t n, uint64_t seed, double mean, double std) {
  std::mt19937_64 rng(seed);
  auto uniform = [&] { return (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53; };  // (0, 1)
  for (int64_t i = 0; i < n; i += 2) {
    double r = std::sqrt(-2.0 * std::log(uniform())), a = 2.0 * std::numbers::pi * uniform();
    out[i] = static_cast<float>(mean + std * r * std::cos(a));
    if (i + 1 < n) out[i + 1] = static_cast<float>(mean + std * r * std::sin(a));
  }
}

uint16_t to_bf16(float f) {  // round to nearest even
  uint32_t b;
  std::memcpy(&b, &f, 4);
  if ((b & 0x7fffffffu) > 0x7f800000u) return 0x7fc0;
  return static_cast<uint16_t>((b + 0x7fffu + ((b >> 16) & 1u)) >> 16);
}

uint16_t to_f16(float f) {  // round to nearest even, with subnormals
  uint32_t b;
  std::memcpy(&b, &f, 4);
  const uint16_t sign = static_cast<uint16_t>((b >> 16) & 0x8000u);
  const uint32_t abs = b & 0x7fffffffu;
  if (abs > 0x7f800000u) return sign | 0x7e00;
  if (abs >= 0x477ff000u) return sign | 0x7c00;  // rounds to infinity
  if (abs < 0x38800000u) {                       // subnormal half (or zero)
    float m;
    uint32_t ab = abs;
    std::memcpy(&m, &ab, 4);
    return sign | static_cast<uint16_t>(std::nearbyint(m * 16777216.0f));  // units of 2^-24
  }
  uint32_t h = abs - 0x38000000u;  // rebias exponent (127 -> 15), mantissa still 23 bits
  h = (h + 0xfffu + ((h >> 13) & 1u)) >> 13;
  return sign | static_cast<uint16_t>(h);
}

WireDType wire(DType t) { return t == DType::F32 ? WireDType::F32 : t == DType::BF16 ? WireDType::BF16 : WireDType::F16; }
const char* torch_dtype(DType t) { return t == DType::F32 ? "float32" : t == DType::BF16 ? "bfloat16" : "float16"; }

// Writes one tensor's values, chunk by chunk, in parallel.
void write_tensor(SafetensorsWriter& out, const TensorSpec& spec, const MptConfig& c, const InitOptions& o, Progress& progress) {
  using Init = TensorSpec::Init;
  double mean = 0, std = o.std;
  switch (spec.init) {
    case Init::Normal: break;
    case Init::Residual: std = o.std / std::sqrt(2.0 * static_cast<double>(c.n_layers)); break;
    case Init::One: mean = 1, std = o.randomize_norms ? 0.1 : 0; break;
    case Init::Zero: std = o.randomize_norms ? 0.05 : 0; break;
  }
  const int64_t numel = checked_numel(spec.shape);
  const int elem = wire_dtype_size(wire(o.dtype));
  const uint64_t base = mix(o.seed ^ mix(name_hash(spec.name)));
  const int64_t chunks = (numel + kChunk - 1) / kChunk;
  const int64_t batch = std::max<int64_t>(1, std::thread::hardware_concurrency());
  std::vector<float> values(static_cast<size_t>(std::min(numel, batch * kChunk)));
  std::vector<uint8_t> bytes(values.size() * elem);
  for (int64_t first = 0; first < chunks; first += batch) {
    const int64_t last = std::min(chunks, first + batch);
    const int64_t begin = first * kChunk, count = std::min(numel, last * kChunk) - begin;
    std::vector<std::thread> pool;
    for (int64_t ch = first; ch < last; ++ch)
      pool.emplace_back([&, ch] {
        const int64_t off = (ch - first) * kChunk, n = std::min(kChunk, numel - ch * kChunk);
        if (std == 0) std::fill_n(values.data() + off, n, static_cast<float>(mean));
        else fill_normal(values.data() + off, n, mix(base + static_cast<uint64_t>(ch)), mean, std);
        for (int64_t i = off; i < off + n; ++i) {
          if (o.dtype == DType::F32) std::memcpy(&bytes[i * 4], &values[i], 4);
          else {
            uint16_t h = o.dtype == DType::BF16 ? to_bf16(values[i]) : to_f16(values[i]);
            std::memcpy(&bytes[i * 2], &h, 2);
          }
        }
      });
    for (auto& t : pool) t.join();
    out.write(bytes.data(), static_cast<uint64_t>(count) * elem);
    progress.advance(count);
    // The writer's destructor removes its temporary file when this throws.
    throw_if_interrupted("writing " + spec.name + "; nothing was written under a final name");
  }
}

bool is_checkpoint_file(const std::string& name) {
  auto ends = [&](const char* s) { return name.size() >= std::strlen(s) && name.compare(name.size() - std::strlen(s), std::string::npos, s) == 0; };
  return name == "config.json" || ends(".safetensors") || ends(".index.json") || ends(".bin");
}

}  // namespace

void write_random_checkpoint(const MptConfig& config, const InitOptions& options, const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw input_error("output path is not a directory", dir, "a directory (created when missing)", "a file");
  std::vector<fs::path> existing;
  if (fs::is_directory(dir, ec))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file() && is_checkpoint_file(e.path().filename().string())) existing.push_back(e.path());
  if (!existing.empty() && !options.overwrite)
    throw input_error("output directory already holds a checkpoint", dir, "an empty or new directory (or --force)",
                      existing.front().filename().string());

  // Shards: consecutive tensors up to max_shard_bytes each (a larger tensor gets a shard of its own).
  const std::vector<TensorSpec> specs = checkpoint_tensors(config);
  std::vector<std::vector<size_t>> shards(1);
  uint64_t shard_bytes = 0, total = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    uint64_t b = TensorEntry{specs[i].name, wire(options.dtype), specs[i].shape}.bytes();
    if (!shards.back().empty() && shard_bytes + b > options.max_shard_bytes) shards.emplace_back(), shard_bytes = 0;
    shards.back().push_back(i);
    shard_bytes += b;
    total += b;
  }
  // Free space before anything is written: the files replaced count as free, plus 1% and 1 MiB of
  // headroom for headers and the file system's own blocks.
  {
    fs::path probe = fs::absolute(dir);
    while (!fs::exists(probe, ec) && probe.has_parent_path() && probe != probe.parent_path()) probe = probe.parent_path();
    fs::space_info space = fs::space(probe, ec);
    uint64_t replaced = 0;
    for (const auto& p : existing) replaced += fs::file_size(p, ec);
    const uint64_t need = total + total / 100 + (1ull << 20);
    if (!ec && space.available + replaced < need)
      throw input_error("not enough free space for the checkpoint", dir,
                        fmt::format("{:.1f} GB ({} parameters in {})", static_cast<double>(need) / 1e9,
                                    parameter_count(config), torch_dtype(options.dtype)),
                        fmt::format("{:.1f} GB free on the file system of {}",
                                    static_cast<double>(space.available + replaced) / 1e9, probe.string()));
  }
  fs::create_directories(dir, ec);
  if (ec) throw runtime_error("cannot create output directory", dir, "", ec.message());
  for (const auto& p : existing) fs::remove(p);
  auto shard_name = [&](size_t k) {
    if (shards.size() == 1) return std::string("model.safetensors");
    char buf[64];
    std::snprintf(buf, sizeof buf, "model-%05zu-of-%05zu.safetensors", k + 1, shards.size());
    return std::string(buf);
  };

  Progress progress("init", parameter_count(config), "params");
  nlohmann::json weight_map = nlohmann::json::object();
  for (size_t k = 0; k < shards.size(); ++k) {
    std::vector<TensorEntry> entries;
    for (size_t i : shards[k]) {
      entries.push_back({specs[i].name, wire(options.dtype), specs[i].shape});
      weight_map[specs[i].name] = shard_name(k);
    }
    SafetensorsWriter out((fs::path(dir) / shard_name(k)).string(), entries);
    for (size_t i : shards[k]) write_tensor(out, specs[i], config, options, progress);
    out.finish();
  }
  progress.finish();
  if (shards.size() > 1) {
    nlohmann::json index = {{"metadata", {{"total_size", total}}}, {"weight_map", weight_map}};
    write_file_atomic((fs::path(dir) / "model.safetensors.index.json").string(), index.dump(2) + "\n");
  }
  MptConfig written = config;
  written.torch_dtype = torch_dtype(options.dtype);
  write_file_atomic((fs::path(dir) / "config.json").string(), written.to_json().dump(2) + "\n");
  MPT_LOG(Info, "wrote {} ({} parameters, {} shard(s), {:.1f} MB)", dir, parameter_count(config), shards.size(),
          static_cast<double>(total) / 1e6);
}

}  // namespace mpt
