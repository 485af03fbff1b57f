// Reading JSON Lines files (ICL datasets, HumanEval problems and samples), plain or gzip-compressed.
//
// Every error names the file and the 1-based line: a line that is not valid JSON, or a line the
// caller rejects (the callback throws mpt::Error; its message gets "(file:line)" prepended when it
// does not already mention the file). Blank lines are skipped, as Python's json-lines readers do.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace mpt {

// Calls `fn(value, line_number)` for each non-blank line of `path` (".gz" is decompressed).
void for_each_jsonl(const std::string& path, const std::function<void(const nlohmann::json&, int)>& fn);

// Reads all lines; each must be a JSON object.
std::vector<nlohmann::json> read_jsonl_objects(const std::string& path);

// Reads a whole file (".gz" is decompressed). Throws mpt::Error (Input) naming the file.
std::string read_file(const std::string& path);

// Parses a JSON document, with errors naming `where` and the byte offset.
nlohmann::json parse_json(const std::string& text, const std::string& where);

// Typed access with clear errors: the key must exist and have the given type.
//   where: "data/piqa.jsonl:17"
const nlohmann::json& require_key(const nlohmann::json& obj, const std::string& key, const std::string& where);
std::string require_string(const nlohmann::json& obj, const std::string& key, const std::string& where);
int64_t require_int(const nlohmann::json& obj, const std::string& key, const std::string& where);

// Short human description of a JSON value's type and an excerpt, for "found ..." in errors.
std::string describe_json(const nlohmann::json& v);

// Writes `content` to `path` atomically (temporary file in the same directory, fsync, rename), so
// that readers never see a half-written file and a crash leaves the old file intact.
void write_file_atomic(const std::string& path, const std::string& content);

// Checks, before any work, that write_file_atomic(path, ...) can succeed as far as can be known:
// the directory exists, is a directory and is writable, and `path` is not a directory. Input error
// naming `option` (e.g. "--out") otherwise.
void check_output_file(const std::string& path, const std::string& option);

}  // namespace mpt
