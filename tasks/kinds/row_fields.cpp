#include "tasks/kinds/row_fields.h"

#include "common/error.h"
#include "common/jsonl.h"
#include "tasks/python_str.h"

namespace mpt {

using nlohmann::json;

std::string row_string(const json& row, const char* key, const std::string& where, bool strip) {
  std::string s = require_string(row, key, where);
  return strip ? py::strip(s) : s;
}

std::vector<std::string> row_string_list(const json& row, const char* key, const std::string& where,
                                         bool allow_empty) {
  const json& v = require_key(row, key, where);
  if (!v.is_array())
    throw input_error(std::string("wrong type for key '") + key + "'", where, "a list of strings", describe_json(v));
  if (v.empty() && !allow_empty)
    throw input_error(std::string("empty '") + key + "'", where, "at least one entry", "[]");
  std::vector<std::string> out;
  for (const json& item : v) {
    if (!item.is_string())
      throw input_error(std::string("wrong type in list '") + key + "'", where, "strings only", describe_json(item));
    out.push_back(item.get<std::string>());
  }
  return out;
}

int64_t row_gold(const json& row, size_t num_options, const char* options_key, const std::string& where) {
  int64_t gold = require_int(row, "gold", where);
  if (gold < 0 || static_cast<size_t>(gold) >= num_options)
    throw input_error("gold index out of range", where,
                      "an index into '" + std::string(options_key) + "' in [0, " + std::to_string(num_options) + ")",
                      std::to_string(gold));
  return gold;
}

}  // namespace mpt
