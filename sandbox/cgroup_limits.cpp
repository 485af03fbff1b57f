#include "sandbox/cgroup_limits.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <fstream>
#include <sstream>
#include <vector>

namespace mpt::sandbox {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool has_words(const std::string& text, const std::vector<std::string>& words) {
  for (const std::string& w : words) {
    std::istringstream in(text);
    std::string t;
    bool found = false;
    while (in >> t) found = found || t == w;
    if (!found) return false;
  }
  return true;
}

bool write_value(const std::string& path, const std::string& value) {
  std::ofstream out(path);
  out << value;
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace

std::optional<CgroupParent> CgroupParent::find(std::string& why_not, const std::string& proc_dir) {
  // mountinfo fields: id parent major:minor root mount-point options ... - fstype source super-options
  std::string mount_point;
  std::istringstream mounts(slurp(proc_dir + "/mountinfo"));
  for (std::string line; std::getline(mounts, line);) {
    size_t dash = line.find(" - ");
    if (dash == std::string::npos || line.compare(dash + 3, 8, "cgroup2 ") != 0) continue;
    std::istringstream fields(line.substr(0, dash));
    std::string skip, mp;
    fields >> skip >> skip >> skip >> skip >> mp;
    mount_point = mp;
    break;
  }
  if (mount_point.empty()) {
    why_not = "no cgroup v2 hierarchy mounted";
    return std::nullopt;
  }
  std::string own;
  std::istringstream groups(slurp(proc_dir + "/cgroup"));
  for (std::string line; std::getline(groups, line);)
    if (line.rfind("0::", 0) == 0) own = line.substr(3);
  std::string dir = mount_point + (own == "/" ? "" : own);
  if (!has_words(slurp(dir + "/cgroup.subtree_control"), {"memory", "pids"})) {
    why_not = "cgroup v2 at " + mount_point + " does not delegate the memory and pids controllers";
    return std::nullopt;
  }
  return CgroupParent(dir);
}

std::string CgroupParent::add_worker(int index, pid_t pid, uint64_t memory_max, uint64_t pids_max,
                                     std::string& error) const {
  std::string group = dir_ + "/mpt-eval-" + std::to_string(getpid()) + "-w" + std::to_string(index);
  if (mkdir(group.c_str(), 0755) != 0 && errno != EEXIST) {
    error = "cannot create " + group;
    return "";
  }
  if (!write_value(group + "/memory.max", std::to_string(memory_max)) ||
      !write_value(group + "/pids.max", std::to_string(pids_max)) ||
      !write_value(group + "/cgroup.procs", std::to_string(pid))) {
    error = "cannot configure " + group;
    rmdir(group.c_str());
    return "";
  }
  return group;
}

void CgroupParent::remove_worker(const std::string& group) {
  if (!group.empty()) rmdir(group.c_str());
}

}  // namespace mpt::sandbox
