// mpt-eval: runs the commands that need no model itself, without loading libtorch (whose start-up
// costs most of a second on every call: score-samples, report, check in CI loops), and hands every
// other command line, unchanged, to mpt-eval-torch installed beside it (see command.h).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/error.h"
#include "harness/cli/command.h"

namespace {

constexpr const char* kModelExecutable = "mpt-eval-torch";

// The directory of this executable (symlinks resolved, as the kernel ran it).
std::string own_directory() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string path(buf, static_cast<size_t>(n));
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// Root-level --help/--version (before the subcommand) describe every command: the full executable's.
bool asks_root_help_or_version(int argc, char** argv) {
  for (int i = 1; i < argc && argv[i][0] == '-'; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help" || a == "--version") return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::string sub = mpt::cli::subcommand_of(argc, argv);
  if (!sub.empty() && mpt::cli::find_command(mpt::cli::light_commands(), sub) && !asks_root_help_or_version(argc, argv))
    return mpt::cli::run_cli(argc, argv, mpt::cli::light_commands(), nullptr);

  std::string dir = own_directory();
  std::string model = (dir.empty() ? std::string(".") : dir) + "/" + kModelExecutable;
  execv(model.c_str(), argv);  // argv[0] kept: messages and --help still say how the user called it
  std::fprintf(stderr,
               "error: cannot start %s: %s (mpt-eval runs its model commands, --help and --version in this second "
               "executable, installed beside it)\n",
               model.c_str(), std::strerror(errno));
  return mpt::kExitRuntime;
}
