// Typed fields of one data file row (a JSON object), for the kinds' add_row. Each reader throws
// mpt::Error (Input) naming `where` ("<file>:<line>") and the key when the field is missing or of
// the wrong type (see dataset.h for the rules).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "tasks/dataset.h"

namespace mpt {

// A string field, Python-strip()ped when `strip`.
std::string row_string(const nlohmann::json& row, const char* key, const std::string& where, bool strip);
// A list of strings, as written (never stripped); empty only when `allow_empty`.
std::vector<std::string> row_string_list(const nlohmann::json& row, const char* key, const std::string& where,
                                         bool allow_empty);
// The "gold" index into the row's `options_key` list of `num_options` entries.
int64_t row_gold(const nlohmann::json& row, size_t num_options, const char* options_key, const std::string& where);

// The rows of `d` in the layout `Row` a kind chose in start_rows (std::bad_variant_access when
// the dataset holds another layout: a kind reading a dataset it did not load).
template <class Row>
std::vector<Row>& rows_of(Dataset& d) { return std::get<std::vector<Row>>(d.rows); }
template <class Row>
const std::vector<Row>& rows_of(const Dataset& d) { return std::get<std::vector<Row>>(d.rows); }

}  // namespace mpt
