// The few pieces of Python's text formatting that lm-evaluation-harness's files depend on, so that
// the files mpt-eval writes read (and hash) like the ones lm-eval writes.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace mpt::reports {

// Python's str(float) / repr(float): the shortest digits that round-trip, fixed notation when the
// decimal exponent is in [-4, 16) ("-10.0", "0.0001", "1e-05", "1e+16"), "inf", "-inf", "nan".
// lm-eval stores log-likelihoods in samples files as these strings.
std::string python_float_str(double value);

// Python's str(bool): "True" / "False".
inline const char* python_bool_str(bool value) { return value ? "True" : "False"; }

// json.dumps(value, indent=2, ensure_ascii=False): what lm-eval hashes as a sample's doc_hash and
// how it writes its results file. Floats as repr, NaN and Infinity as Python writes them; invalid
// UTF-8 (possible only in old stores) becomes U+FFFD.
std::string python_json_indent2(const nlohmann::ordered_json& value);

// json.dumps(value, ensure_ascii=False) with Python's default separators (", " and ": "): one
// line of lm-eval's samples files, byte for byte. Floats as repr (NaN, Infinity as Python writes them).
std::string python_json_line(const nlohmann::ordered_json& value);

// sha256 hex of the UTF-8 text (lm_eval.utils.hash_string).
std::string hash_string(const std::string& text);

}  // namespace mpt::reports
