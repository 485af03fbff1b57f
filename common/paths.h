// Where mpt-eval finds its bundled data (tokenizer, ICL tasks, HumanEval, default configs).
#pragma once

#include <string>

namespace mpt {

// The bundled data directory, first of:
//   1. $MPTEVAL_DATA_DIR,
//   2. <dir of the running executable>/../share/mpt-eval/data (an installed tree),
//   3. the source tree's data/ this binary was built from.
// Throws mpt::Error (Input) when none exists.
std::string data_dir();

// The source tree's root this binary was built from (for tests and the bundled configs).
std::string source_dir();

// Resolves `relative` under data_dir(), e.g. bundled_path("tokenizer/gpt-neox-20b/tokenizer.json").
std::string bundled_path(const std::string& relative);

}  // namespace mpt
