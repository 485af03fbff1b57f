// Typed access to one YAML mapping (a task entry, the gauntlet block) with errors that name the
// file, the line and the key, in the project's "<what> (<where>): expected ..., found ..." shape.
// Internal to mpt_tasks (it exposes yaml-cpp types).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mpt {

// "<file>:<line>" of a node (1-based line), or just the file when the node has no position.
std::string yaml_where(const std::string& file, const YAML::Node& node);
// Short description of a node for "found ...": "a list", "a mapping", "null", "string \"x\"".
std::string yaml_describe(const YAML::Node& node);
// Loads a YAML file; syntax errors become mpt::Error (Input) naming file:line:column.
YAML::Node load_yaml_file(const std::string& path);

class YamlMap {
 public:
  // `context` names the mapping in messages, e.g. "icl_tasks[3] 'arc_easy'".
  YamlMap(YAML::Node node, std::string file, std::string context);

  bool has(const std::string& key) const;
  // "<file>:<line>, <context>, key '<key>'" for messages about a key (or the mapping itself when
  // the key is absent).
  std::string where(const std::string& key) const;
  const std::string& file() const { return file_; }
  // "<file>:<line>, <context>" of the mapping itself.
  std::string location() const;

  // Each getter returns nullopt when the key is absent and throws mpt::Error (Input) when it is
  // present with another type. Strings: any non-null scalar, taken as written. Integers: plain
  // scalars in integer syntax. Booleans: YAML 1.1 words (true/false/yes/no/on/off, any case).
  std::optional<std::string> get_string(const std::string& key) const;
  std::optional<int64_t> get_int(const std::string& key) const;
  std::optional<double> get_number(const std::string& key) const;
  std::optional<bool> get_bool(const std::string& key) const;
  std::optional<std::vector<std::string>> get_string_list(const std::string& key) const;
  // A list of integers; a single integer is accepted as a one-element list.
  std::optional<std::vector<int64_t>> get_int_list(const std::string& key) const;
  YAML::Node get(const std::string& key) const;

  // Keys present in the mapping, in file order.
  std::vector<std::string> keys() const;

 private:
  [[noreturn]] void wrong_type(const std::string& key, const std::string& expected) const;
  YAML::Node node_;
  std::string file_;
  std::string context_;
};

}  // namespace mpt
