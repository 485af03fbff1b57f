#include "tasks/task_config.h"

#include <nlohmann/json.hpp>

#include <filesystem>

#include "common/error.h"

namespace mpt {

SamplingParams GenerationSettings::sampling(uint64_t request_seed) const {
  SamplingParams p;
  if (do_sample) {
    p.temperature = temperature;
    p.top_k = top_k;
    p.top_p = top_p;
  }
  p.seed = seed.value_or(0) + request_seed;
  return p;
}

nlohmann::json GenerationSettings::settings_json() const {
  nlohmann::json j = {{"do_sample", do_sample}, {"temperature", temperature}, {"top_p", top_p}, {"top_k", top_k}};
  if (max_new_tokens) j["max_new_tokens"] = *max_new_tokens;
  if (seed) j["seed"] = *seed;
  return j;
}

ResolvedDataPath resolve_dataset_uri(const std::string& uri, const std::string& data_root, const std::string& where) {
  namespace fs = std::filesystem;
  if (uri.find("://") != std::string::npos)
    throw input_error("remote dataset_uri is not supported", where,
                      "a local path (download the file and point dataset_uri or --data-root at it)", uri);
  if (uri.empty()) throw input_error("empty dataset_uri", where, "a path to a .jsonl file", "\"\"");
  if (fs::path(uri).is_absolute()) return {uri, uri, {uri}};
  std::string rel = uri;
  static const std::string kLocalData = "eval/local_data/";
  if (size_t at = rel.rfind(kLocalData); at != std::string::npos && (at == 0 || rel[at - 1] == '/'))
    rel = rel.substr(at + kLocalData.size());
  while (rel.rfind("./", 0) == 0) rel = rel.substr(2);
  ResolvedDataPath out{"", rel, {}};
  for (const char* under : {"", "eval/local_data", "scripts/eval/local_data"}) {
    std::string candidate = (fs::path(data_root) / under / rel).lexically_normal().string();
    out.tried.push_back(candidate);
    std::error_code ec;
    if (out.path.empty() && fs::is_regular_file(candidate, ec)) out.path = candidate;
  }
  if (out.path.empty()) out.path = out.tried.front();
  return out;
}

std::string describe_missing_dataset(const std::vector<std::string>& tried) {
  if (tried.size() <= 1) return "no file at " + (tried.empty() ? std::string("(no path)") : tried.front());
  std::string s = "no file at any of ";
  for (size_t i = 0; i < tried.size(); ++i) s += (i ? ", " : "") + tried[i];
  return s + " (--data-root may be LLM Foundry's scripts/eval/local_data, its scripts/ or the repository root)";
}

}  // namespace mpt
