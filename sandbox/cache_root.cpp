#include "sandbox/cache_root.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace mpt::sandbox {
namespace fs = std::filesystem;

bool reachable_by_others(const std::string& dir) {
  for (fs::path p = fs::absolute(dir).parent_path(); !p.empty(); p = p.parent_path()) {
    struct stat st {};
    if (stat(p.c_str(), &st) == 0 && !(st.st_mode & S_IXOTH)) return false;
    if (p == p.root_path()) break;
  }
  return true;
}

std::string cache_root(const Config& config) {
  if (!config.cache_dir.empty()) return config.cache_dir;
  std::vector<std::string> candidates;
  if (const char* v = std::getenv("MPT_EVAL_CACHE"); v && *v) candidates.push_back(v);
  if (const char* v = std::getenv("XDG_CACHE_HOME"); v && *v) candidates.push_back(std::string(v) + "/mpt-eval");
  if (const char* v = std::getenv("HOME"); v && *v) candidates.push_back(std::string(v) + "/.cache/mpt-eval");
  for (const std::string& c : candidates)
    if (reachable_by_others(c)) return c;
  // A directory of this user's own under /var/tmp (the C++ recipe refuses it if someone else made it).
  return "/var/tmp/mpt-eval-" + std::to_string(getuid());
}

}  // namespace mpt::sandbox
