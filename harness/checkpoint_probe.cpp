#include "harness/checkpoint_probe.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace mpt {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::optional<json> read_json(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

// "" when whole, else why not. A writer appends tensor data after the header, so a short file is
// the usual half-written state; a file cut inside the header fails to parse.
std::string safetensors_gap(const fs::path& path) {
  std::error_code ec;
  const uint64_t size = fs::file_size(path, ec);
  if (ec) return path.filename().string() + " is missing";
  std::ifstream in(path, std::ios::binary);
  std::array<unsigned char, 8> len{};
  if (size < 8 || !in.read(reinterpret_cast<char*>(len.data()), 8)) return path.filename().string() + " has no header yet";
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | len[i];  // little-endian
  if (n > size - 8) return path.filename().string() + " is shorter than its header length";
  std::string header(n, '\0');
  in.read(header.data(), static_cast<std::streamsize>(n));
  json h = json::parse(header, nullptr, false);
  if (!in || h.is_discarded() || !h.is_object()) return path.filename().string() + " has an unreadable header";
  uint64_t end = 0;
  for (const auto& [name, t] : h.items()) {
    if (name == "__metadata__") continue;
    if (!t.is_object() || !t.contains("data_offsets") || !t["data_offsets"].is_array() || t["data_offsets"].size() != 2 ||
        !t["data_offsets"][1].is_number_unsigned())
      return path.filename().string() + " has a malformed tensor entry '" + name + "'";
    end = std::max<uint64_t>(end, t["data_offsets"][1].get<uint64_t>());
  }
  if (size != 8 + n + end)
    return path.filename().string() + " holds " + std::to_string(size) + " bytes, its header says " + std::to_string(8 + n + end);
  return "";
}

// A zip archive (torch.save) is whole once its end-of-central-directory record is written: the
// signature PK\5\6 within the last 64 KiB + 22 bytes (the record plus the longest comment).
std::string zip_gap(const fs::path& path) {
  std::error_code ec;
  const uint64_t size = fs::file_size(path, ec);
  if (ec) return path.filename().string() + " is missing";
  const uint64_t tail = std::min<uint64_t>(size, 65536 + 22);
  std::ifstream in(path, std::ios::binary);
  std::string bytes(tail, '\0');
  in.seekg(static_cast<std::streamoff>(size - tail));
  if (tail < 22 || !in.read(bytes.data(), static_cast<std::streamsize>(tail)))
    return path.filename().string() + " is too short";
  const char sig[] = {'P', 'K', 5, 6};
  if (bytes.rfind(std::string(sig, 4)) == std::string::npos)
    return path.filename().string() + " has no end-of-central-directory record yet";
  return "";
}

std::string file_gap(const fs::path& path) {
  return path.extension() == ".safetensors" ? safetensors_gap(path) : zip_gap(path);
}

std::string sharded_gap(const fs::path& dir, const std::string& index_name) {
  std::optional<json> index = read_json(dir / index_name);
  if (!index || !index->is_object() || !index->contains("weight_map") || !(*index)["weight_map"].is_object())
    return index_name + " is not a complete index";
  std::set<std::string> shards;
  for (const auto& [tensor, shard] : (*index)["weight_map"].items())
    if (shard.is_string()) shards.insert(shard.get<std::string>());
  if (shards.empty()) return index_name + " names no shard";
  for (const std::string& shard : shards)
    if (std::string gap = file_gap(dir / shard); !gap.empty()) return gap;
  return "";
}

std::string weights_gap(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / "model.safetensors", ec)) return safetensors_gap(dir / "model.safetensors");
  if (fs::exists(dir / "model.safetensors.index.json", ec)) return sharded_gap(dir, "model.safetensors.index.json");
  if (fs::exists(dir / "pytorch_model.bin", ec)) return zip_gap(dir / "pytorch_model.bin");
  if (fs::exists(dir / "pytorch_model.bin.index.json", ec)) return sharded_gap(dir, "pytorch_model.bin.index.json");
  return "no weight file yet";
}

std::string signature_of(const fs::path& dir) {
  std::vector<std::string> lines;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    std::error_code fec;
    const auto size = e.is_regular_file(fec) ? e.file_size(fec) : 0;
    const auto mtime = e.last_write_time(fec).time_since_epoch().count();
    lines.push_back(e.path().filename().string() + "\t" + std::to_string(size) + "\t" + std::to_string(mtime));
  }
  if (ec) throw runtime_error("cannot list checkpoint directory", dir.string(), "a readable directory", ec.message());
  std::sort(lines.begin(), lines.end());
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

// Rule 2 and 3 of the header. Sets `unreadable` when a step file exists but does not parse.
std::optional<int64_t> step_from_files(const fs::path& dir, std::string& source, bool& unreadable) {
  std::error_code ec;
  if (fs::exists(dir / "step", ec)) {
    std::ifstream in(dir / "step");
    int64_t step = -1;
    std::string rest;
    if (in >> step && step >= 0 && !(in >> rest)) {
      source = "step file";
      return step;
    }
    unreadable = true;
    return std::nullopt;
  }
  if (fs::exists(dir / "trainer_state.json", ec)) {
    std::optional<json> state = read_json(dir / "trainer_state.json");
    if (state && state->is_object() && state->contains("global_step") && (*state)["global_step"].is_number_unsigned()) {
      source = "trainer_state.json";
      return (*state)["global_step"].get<int64_t>();
    }
    unreadable = true;
  }
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> step_from_name(const std::string& name) {
  static const std::array<std::regex, 4> patterns = {
      std::regex(R"(^ep\d+-ba(\d+)(?:[-_].*)?$)"),
      std::regex(R"(^(?:global_)?step[-_]?(\d+)$)"),
      std::regex(R"(^checkpoint-(\d+)$)"),
      std::regex(R"(^ba(\d+)$)"),
  };
  std::smatch m;
  for (const std::regex& re : patterns)
    if (std::regex_match(name, m, re) && m[1].length() <= 18) return std::stoll(m[1].str());
  return std::nullopt;
}

CheckpointProbe probe_checkpoint(const std::string& dir_text) {
  const fs::path dir(dir_text);
  CheckpointProbe p;
  p.signature = signature_of(dir);
  p.step = step_from_name(dir.filename().string());
  bool unreadable_step = false;
  if (p.step) p.step_source = "name";
  else p.step = step_from_files(dir, p.step_source, unreadable_step);

  std::optional<json> config = read_json(dir / "config.json");
  if (!config || !config->is_object()) p.incomplete_reason = "config.json is missing or not complete JSON";
  else if (unreadable_step) p.incomplete_reason = "its step file does not hold a step number yet";
  else p.incomplete_reason = weights_gap(dir);
  p.complete = p.incomplete_reason.empty();
  return p;
}

}  // namespace mpt
