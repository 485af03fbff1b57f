// load_gauntlet_config (declared in gauntlet.h).
#include <filesystem>
#include <set>

#include "common/error.h"
#include "common/log.h"
#include "tasks/gauntlet.h"
#include "tasks/yaml_reader.h"

namespace mpt {
namespace {

void reject_unknown(const YamlMap& m, const std::set<std::string>& known) {
  for (const std::string& key : m.keys())
    if (!known.count(key)) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw input_error("unknown key '" + key + "'", m.where(key), "one of " + list, "'" + key + "'");
    }
}

template <typename T>
T required(std::optional<T> v, const YamlMap& m, const std::string& key) {
  if (!v) throw input_error("missing key '" + key + "'", m.where(key), "key '" + key + "'", "no such key");
  return *v;
}

GauntletCategory parse_category(const YAML::Node& node, const std::string& file, size_t index) {
  YamlMap m(node, file, "categories[" + std::to_string(index) + "]");
  reject_unknown(m, {"name", "benchmarks"});
  GauntletCategory c;
  c.name = required(m.get_string("name"), m, "name");
  YAML::Node list = m.get("benchmarks");
  if (!list || !list.IsSequence() || list.size() == 0)
    throw input_error("category without benchmarks", m.where("benchmarks"), "a non-empty list of benchmarks",
                      list ? yaml_describe(list) : "no such key");
  size_t i = 0;
  for (const YAML::Node& b : list) {
    YamlMap bm(b, file, "category '" + c.name + "' benchmarks[" + std::to_string(i++) + "]");
    reject_unknown(bm, {"name", "num_fewshot", "random_baseline"});
    c.benchmarks.push_back({required(bm.get_string("name"), bm, "name"), required(bm.get_int("num_fewshot"), bm, "num_fewshot"),
                            required(bm.get_number("random_baseline"), bm, "random_baseline")});
  }
  return c;
}

GauntletConfig parse_gauntlet(const YamlMap& m) {
  reject_unknown(m, {"weighting", "subtract_random_baseline", "rescale_accuracy", "categories", "averages"});
  GauntletConfig g;
  std::string w = m.get_string("weighting").value_or("EQUAL");
  if (w == "EQUAL") g.weighting = GauntletWeighting::Equal;
  else if (w == "SAMPLE_SZ") g.weighting = GauntletWeighting::SampleSize;
  else if (w == "LOG_SAMPLE_SZ") g.weighting = GauntletWeighting::LogSampleSize;
  else throw input_error("unknown weighting", m.where("weighting"), "EQUAL, SAMPLE_SZ or LOG_SAMPLE_SZ", "'" + w + "'");
  g.subtract_random_baseline = m.get_bool("subtract_random_baseline").value_or(true);
  g.rescale_accuracy = m.get_bool("rescale_accuracy").value_or(true);
  if (g.rescale_accuracy && !g.subtract_random_baseline)
    throw input_error("rescale_accuracy without subtract_random_baseline", m.where("rescale_accuracy"),
                      "rescaling only together with subtracting the random baseline (as LLM Foundry requires)",
                      "subtract_random_baseline: false");
  YAML::Node cats = m.get("categories");
  if (!cats || !cats.IsSequence())
    throw input_error("missing key 'categories'", m.where("categories"), "a list of categories",
                      cats ? yaml_describe(cats) : "no such key");
  std::set<std::string> names;
  for (size_t i = 0; i < cats.size(); ++i) {
    g.categories.push_back(parse_category(cats[i], m.file(), i));
    names.insert(g.categories.back().name);
    for (const GauntletBenchmark& b : g.categories.back().benchmarks)
      if (g.rescale_accuracy && b.random_baseline >= 1.0)
        throw input_error("random_baseline must be below 1 when rescaling", m.where("categories"), "a value < 1",
                          b.name + ": " + std::to_string(b.random_baseline));
  }
  if (YAML::Node avg = m.get("averages")) {
    YamlMap am(avg, m.file(), "averages");
    for (const std::string& name : am.keys()) {
      if (names.count(name))
        throw input_error("average named like a category", am.where(name),
                          "average names and category names to be distinct", "'" + name + "'");
      std::vector<std::string> members = *am.get_string_list(name);
      for (const std::string& c : members)
        if (!names.count(c)) {
          std::string warning = "average '" + name + "' (" + am.where(name) + ") lists undefined category '" + c +
                                 "'; it will be reported as missing";
          MPT_LOG(Warn, "{}", warning);
          g.warnings.push_back(warning);
        }
      g.averages.emplace_back(name, std::move(members));
    }
  } else {
    std::vector<std::string> all;
    for (const auto& c : g.categories) all.push_back(c.name);
    g.averages.emplace_back("default_average", std::move(all));
  }
  return g;
}

}  // namespace

GauntletConfig load_gauntlet_config(const std::string& yaml_path) {
  YAML::Node root = load_yaml_file(yaml_path);
  const char* key = root.IsMap() && root["model_gauntlet"] && !root["eval_gauntlet"] ? "model_gauntlet" : "eval_gauntlet";
  YAML::Node g = root.IsMap() ? root[key] : YAML::Node();
  if (!g)
    throw input_error("missing key 'eval_gauntlet'", yaml_path, "a top-level 'eval_gauntlet' mapping (LLM Foundry's format)",
                      "no such key");
  if (g.IsScalar()) {  // a path to the gauntlet file, as LLM Foundry's eval yamls allow
    std::filesystem::path p(g.Scalar());
    std::filesystem::path beside = std::filesystem::path(yaml_path).parent_path() / p;
    std::string target = p.is_relative() && std::filesystem::exists(beside) ? beside.string() : p.string();
    if (std::filesystem::weakly_canonical(target) == std::filesystem::weakly_canonical(yaml_path))
      throw input_error("gauntlet file includes itself", yaml_where(yaml_path, g), "a path to another file", target);
    return load_gauntlet_config(target);
  }
  return parse_gauntlet(YamlMap(g, yaml_path, key));
}

}  // namespace mpt
