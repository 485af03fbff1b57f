#include "results/process_owner.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace mpt::results {
namespace {

// Field 22 (starttime) of /proc/<pid>/stat; 0 when the process does not exist. The command name
// (field 2) may contain spaces and parentheses, so parsing starts after its last ')'.
int64_t start_ticks_of(int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!in || !std::getline(in, line)) return 0;
  size_t close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(line.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22; ++i) {  // fields 3..22
    if (!(rest >> field)) return 0;
  }
  return std::stoll(field);
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

}  // namespace

ProcessOwner ProcessOwner::current() {
  ProcessOwner o;
  o.host = host_name();
  o.pid = getpid();
  o.start_ticks = start_ticks_of(o.pid);
  return o;
}

bool ProcessOwner::alive_here() const {
  return host == host_name() && pid > 0 && start_ticks_of(pid) == start_ticks && start_ticks != 0;
}

bool ProcessOwner::alive_or_unknown() const {
  if (pid <= 0) return false;
  if (host != host_name()) return true;
  return alive_here();
}

std::string ProcessOwner::describe() const { return "pid " + std::to_string(pid) + " on host " + host; }

}  // namespace mpt::results
