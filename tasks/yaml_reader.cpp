#include "tasks/yaml_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <iterator>

#include "common/error.h"
#include "common/utf8_check.h"

namespace mpt {
namespace {

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool is_null(const YAML::Node& n) { return !n.IsDefined() || n.IsNull(); }
bool is_plain_scalar(const YAML::Node& n) { return n.IsScalar() && n.Tag() != "!"; }

std::optional<int64_t> parse_int(const std::string& s) {
  int64_t v = 0;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (b != e && *b == '+') ++b;
  auto r = std::from_chars(b, e, v);
  if (r.ec != std::errc() || r.ptr != e || b == e) return std::nullopt;
  return v;
}

}  // namespace

std::string yaml_where(const std::string& file, const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (m.is_null() || m.line < 0) return file;
  return file + ":" + std::to_string(m.line + 1);
}

std::string yaml_describe(const YAML::Node& node) {
  if (is_null(node)) return "null (no value)";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  std::string kind = is_plain_scalar(node) ? "plain scalar " : "quoted string ";
  return kind + quote_excerpt(node.Scalar(), 40);
}

YAML::Node load_yaml_file(const std::string& path) {
  // Read once: the text is checked for UTF-8 (labels and the configuration text go into the store
  // and JSON outputs) and then parsed.
  std::ifstream in{path, std::ios::binary};
  if (!in) throw input_error("cannot open YAML file", path, "a readable file", "none at that path");
  const std::string text{std::istreambuf_iterator<char>(in), {}};
  if (size_t at = first_invalid_utf8(text); at != std::string::npos) {
    // text[at] is not '\n', so the line is the text between the newlines around it.
    const size_t before = text.rfind('\n', at);
    const size_t begin = before == std::string::npos ? 0 : before + 1;
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n');
    require_utf8(text.substr(begin, text.find('\n', at) - begin), path + ":" + std::to_string(line));
  }
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw input_error("malformed YAML",
                      path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1),
                      "valid YAML", e.msg);
  }
}

YamlMap::YamlMap(YAML::Node node, std::string file, std::string context)
    : node_(std::move(node)), file_(std::move(file)), context_(std::move(context)) {
  if (!node_.IsMap())
    throw input_error("expected a mapping", yaml_where(file_, node_) + ", " + context_, "a mapping of keys to values",
                      yaml_describe(node_));
}

bool YamlMap::has(const std::string& key) const { return static_cast<bool>(node_[key]); }

std::string YamlMap::where(const std::string& key) const {
  YAML::Node n = node_[key];
  std::string at = n ? yaml_where(file_, n) : yaml_where(file_, node_);
  return at + ", " + context_ + (n ? ", key '" + key + "'" : "");
}

std::string YamlMap::location() const { return yaml_where(file_, node_) + ", " + context_; }

void YamlMap::wrong_type(const std::string& key, const std::string& expected) const {
  throw input_error("wrong type for key '" + key + "'", where(key), expected, yaml_describe(node_[key]));
}

YAML::Node YamlMap::get(const std::string& key) const { return node_[key]; }

std::optional<std::string> YamlMap::get_string(const std::string& key) const {
  YAML::Node n = node_[key];
  if (!n) return std::nullopt;
  if (is_null(n) || !n.IsScalar()) wrong_type(key, "a string");
  return n.Scalar();
}

std::optional<int64_t> YamlMap::get_int(const std::string& key) const {
  YAML::Node n = node_[key];
  if (!n) return std::nullopt;
  std::optional<int64_t> v;
  if (is_plain_scalar(n)) v = parse_int(n.Scalar());
  if (!v) wrong_type(key, "an integer");
  return v;
}

std::optional<double> YamlMap::get_number(const std::string& key) const {
  YAML::Node n = node_[key];
  if (!n) return std::nullopt;
  if (is_plain_scalar(n)) {
    try {
      size_t used = 0;
      double d = std::stod(n.Scalar(), &used);
      if (used == n.Scalar().size()) return d;
    } catch (const std::exception&) {
    }
  }
  wrong_type(key, "a number");
}

std::optional<bool> YamlMap::get_bool(const std::string& key) const {
  YAML::Node n = node_[key];
  if (!n) return std::nullopt;
  if (is_plain_scalar(n)) {
    std::string s = lowercase(n.Scalar());
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
  }
  wrong_type(key, "a boolean (true or false)");
}

std::optional<std::vector<std::string>> YamlMap::get_string_list(const std::string& key) const {
  YAML::Node n = node_[key];
  if (!n) return std::nullopt;
  if (!n.IsSequence()) wrong_type(key, "a list of strings");
  std::vector<std::string> out;
  for (const YAML::Node& item : n) {
    if (is_null(item) || !item.IsScalar())
      throw input_error("wrong type in list '" + key + "'", yaml_where(file_, item) + ", " + context_,
                        "a list of strings", yaml_describe(item));
    out.push_back(item.Scalar());
  }
  return out;
}

std::optional<std::vector<int64_t>> YamlMap::get_int_list(const std::string& key) const {
  YAML::Node n = node_[key];
  if (!n) return std::nullopt;
  if (is_plain_scalar(n))
    if (auto v = parse_int(n.Scalar())) return std::vector<int64_t>{*v};
  if (!n.IsSequence()) wrong_type(key, "a list of integers");
  std::vector<int64_t> out;
  for (const YAML::Node& item : n) {
    std::optional<int64_t> v;
    if (is_plain_scalar(item)) v = parse_int(item.Scalar());
    if (!v)
      throw input_error("wrong type in list '" + key + "'", yaml_where(file_, item) + ", " + context_,
                        "a list of integers", yaml_describe(item));
    out.push_back(*v);
  }
  return out;
}

std::vector<std::string> YamlMap::keys() const {
  std::vector<std::string> out;
  for (const auto& kv : node_) out.push_back(kv.first.as<std::string>());
  return out;
}

}  // namespace mpt
