#include "common/paths.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "common/error.h"

#ifndef MPTEVAL_SOURCE_DIR
#error "MPTEVAL_SOURCE_DIR must be defined by the build"
#endif

namespace mpt {
namespace fs = std::filesystem;

std::string source_dir() { return MPTEVAL_SOURCE_DIR; }

std::string data_dir() {
  if (const char* env = std::getenv("MPTEVAL_DATA_DIR"); env && *env) {
    if (fs::is_directory(env)) return env;
    throw input_error("MPTEVAL_DATA_DIR is not a directory", env, "a directory with the bundled data", "none");
  }
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / "share" / "mpt-eval" / "data";
    if (fs::is_directory(installed)) return installed.string();
  }
  fs::path src = fs::path(MPTEVAL_SOURCE_DIR) / "data";
  if (fs::is_directory(src)) return src.string();
  throw input_error("bundled data not found", src.string(), "the data/ directory of mpt-eval",
                    "nothing; set MPTEVAL_DATA_DIR");
}

std::string bundled_path(const std::string& relative) { return (fs::path(data_dir()) / relative).string(); }

}  // namespace mpt
