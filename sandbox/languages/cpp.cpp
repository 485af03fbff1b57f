// C++ (g++ from Debian): compile with the flags LLM Foundry's executor used (g++ -std=c++11, no
// optimisation), then run the program. A precompiled header of the standard headers HumanEval-X's
// prompts and LLM Foundry's harness include, built once on the host and shown read-only inside the
// sandbox, halves the compile (docs/sandbox.md, "C++ and JavaScript").
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "common/error.h"
#include "sandbox/cache_root.h"
#include "sandbox/language.h"

extern char** environ;

namespace mpt::sandbox {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCompiler = "/usr/bin/g++";
constexpr const char* kStandard = "-std=c++11";
// Every header the HumanEval-X C++ prompts and tests include (assert.h aside: tests #undef NDEBUG
// before including it) plus LLM Foundry's input/output harness's (iostream, map).
constexpr const char* kHeader =
    "#include <stdio.h>\n#include <stdlib.h>\n#include <math.h>\n#include <string>\n#include <vector>\n"
    "#include <map>\n#include <algorithm>\n#include <iostream>\n";
constexpr const char* kHeaderName = "mpt_std.h";


void require_own_directory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
    throw runtime_error("unusable cache directory for the C++ precompiled header", dir.string(),
                        "a directory of this user's, writable by it alone", "something else");
  chmod(dir.c_str(), 0755);
}

// Names the compiler build and the header: a new g++ or a new header gets a new directory.
std::string cache_key() {
  std::error_code ec;
  fs::path real = fs::canonical(kCompiler, ec);
  struct stat st {};
  stat(real.c_str(), &st);
  std::string text = real.string() + "|" + std::to_string(st.st_size) + "|" + std::to_string(st.st_mtime) + "|" +
                     kStandard + "|" + kHeader;
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

int run_compiler(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Builds (once per compiler and header) <cache>/cpp-pch-<key>/mpt_std.h(.gch); returns the directory.
std::string precompiled_header(const Config& config) {
  fs::path dir = fs::path(cache_root(config)) / ("cpp-pch-" + cache_key());
  std::error_code ec;
  std::string absolute = fs::absolute(dir).lexically_normal().string();
  if (absolute.rfind("/tmp/", 0) == 0)
    throw input_error("the C++ header cache cannot be under /tmp", absolute,
                      "a directory elsewhere (the sandbox mounts its own /tmp over the host's)", absolute);
  require_own_directory(dir.parent_path());
  if (!reachable_by_others(dir.string()))
    throw runtime_error("the C++ header cache is not reachable from the sandbox", dir.string(),
                        "directories searchable by others above it (see --cache-dir)", "a closed one");
  if (fs::exists(dir / (std::string(kHeaderName) + ".gch"), ec)) return dir.string();
  fs::path tmp = dir.string() + ".tmp." + std::to_string(getpid());
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) throw runtime_error("cannot create the C++ header cache", tmp.string(), "a writable directory", ec.message());
  std::ofstream(tmp / kHeaderName) << kHeader;
  std::string header = (tmp / kHeaderName).string();
  if (run_compiler({kCompiler, kStandard, "-x", "c++-header", header, "-o", header + ".gch"}) != 0) {
    fs::remove_all(tmp, ec);
    throw runtime_error("cannot build the C++ precompiled header", header, "g++ to succeed", "it failed");
  }
  fs::permissions(tmp, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec, ec);
  fs::rename(tmp, dir, ec);
  if (ec) fs::remove_all(tmp, ec);  // another process built it first: use theirs
  if (!fs::exists(dir / (std::string(kHeaderName) + ".gch")))
    throw runtime_error("the C++ precompiled header is missing", dir.string(), "mpt_std.h.gch", "absent");
  return dir.string();
}

// The directory of the prepared header, when prepare() added one to the read-only paths.
std::string prepared_header_dir(const Config& config) {
  for (const std::string& p : config.read_only_paths)
    if (fs::path(p).filename().string().rfind("cpp-pch-", 0) == 0) return p;
  return "";
}

Language make_cpp() {
  Language l;
  l.name = "cpp";
  l.aliases = {"c++"};
  l.tools = {kCompiler};
  l.prepare = [](Config& config) {
    if (config.language_caches) config.read_only_paths.push_back(precompiled_header(config));
  };
  l.recipe = [](const std::string& source, const Config& config, double timeout) {
    const Limits& limits = config.limits;
    Recipe r;
    r.files["main.cpp"] = source;
    std::vector<std::string> compile = {kCompiler, kStandard, "-pipe"};
    if (std::string dir = prepared_header_dir(config); !dir.empty()) {
      compile.push_back("-include");
      compile.push_back(dir + "/" + kHeaderName);
    }
    for (const char* a : {"main.cpp", "-o", "main"}) compile.push_back(a);
    r.steps.push_back(BuildStep{"compile", compile, limits.compile_timeout_seconds, limits.compile_memory_bytes,
                                limits.compile_output_bytes, 16, true, false});
    r.steps.push_back(BuildStep{"run", {"./main"}, timeout, limits.memory_bytes, limits.output_bytes,
                                limits.processes, false, true});
    return r;
  };
  return l;
}

}  // namespace

const Language& cpp_language() {
  static const Language l = make_cpp();
  return l;
}

}  // namespace mpt::sandbox
