// UTF-8 validity for everything that goes into the store or a JSON output. nlohmann::json refuses
// to serialise invalid UTF-8 (type_error 316) and SQLite stores the bytes as given, so bad bytes
// are refused where they enter (options, YAML files) and escaped where stores written before that
// check are read back (dump_json).
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace mpt {

// Byte offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF), or std::string::npos when all is valid.
size_t first_invalid_utf8(const std::string& s);

// Input error naming `where` (an option, a file and line) with the offending byte's offset and
// value when `value` is not valid UTF-8.
void require_utf8(const std::string& value, const std::string& where);

// json.dump with invalid UTF-8 replaced by U+FFFD instead of throwing: for outputs of stored data.
std::string dump_json(const nlohmann::json& value, int indent = -1);

}  // namespace mpt
