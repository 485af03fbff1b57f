// The language seam of the sandbox: how a program in a language other than Python is built and run.
//
// A language is a recipe: the files to write into the program's private /tmp, and the steps to run
// there one after another (compile, then run; or just run), each with its own wall clock, address
// space, process count and output limit. The zygote's trusted runner (sandbox/python/native_runner.py)
// executes the steps inside the program's fresh namespaces and decides the verdict: a failed compile
// step is compile_error; the program passes when every step exits 0 (and, where the program expects
// an exact stdout, the last step printed it).
//
// Adding a language (Java, Rust, Go, ...) = one file sandbox/languages/<name>.cpp defining a
// `const Language& <name>_language()` (see cpp.cpp, javascript.cpp), one line in language.cpp's
// list, and its tests (tests/sandbox/languages_test.cpp). Its toolchain must lie under the sandbox's
// read-only paths (/usr, ...); anything built on the host beforehand (prepare) must be added to them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sandbox/program.h"
#include "sandbox/sandbox_config.h"

namespace mpt::sandbox {

struct BuildStep {
  std::string name;               // "compile", "run": for messages
  std::vector<std::string> argv;  // argv[0] an absolute path visible in the sandbox; the rest relative to /tmp
  double timeout_seconds = 0;     // wall clock (the CPU limit is one second more)
  uint64_t memory_bytes = 0;      // RLIMIT_AS
  uint64_t output_bytes = 0;      // stdout + stderr; more ends the step
  uint64_t processes = 0;         // RLIMIT_NPROC (threads count)
  bool compile = false;           // its failure is the verdict compile_error
  bool forward_output = false;    // its stdout/stderr become the program's (the result keeps their start)
};

struct Recipe {
  std::map<std::string, std::string> files;  // name (in /tmp) -> content
  std::vector<BuildStep> steps;
};

struct Language {
  std::string name;                  // canonical: "cpp", "javascript"
  std::vector<std::string> aliases;  // also accepted: "c++", "js", ...
  std::vector<std::string> tools;    // executables it needs (checked when a pool starts)
  // Once per pool, on the host, before any sandbox starts; trusted code only (never a program's).
  // May build caches and add their directories to config.read_only_paths. May be empty.
  std::function<void(Config& config)> prepare;
  // The recipe for one program: `source` is its whole text, `timeout` the run step's wall clock.
  // `config` is the prepared one (prepare's additions included).
  std::function<Recipe(const std::string& source, const Config& config, double timeout)> recipe;
};

// By canonical name or alias ("c++" finds cpp); nullptr when unknown. "python" is not a recipe (the
// zygote runs Python itself) and gives nullptr too.
const Language* find_language(const std::string& name);
std::vector<const Language*> all_languages();
// "cpp" for "c++", "python" for "python" or ""; the input itself when unknown.
std::string canonical_language(const std::string& name);

// Checks every language config.languages names (known, tools present) and runs its prepare. Throws
// mpt::Error: Input for an unknown language, Runtime when a tool is missing or preparation fails.
Config prepare_languages(Config config);

// The recipe of a non-Python program under the pool's config (throws Input for an unknown language).
Recipe program_recipe(const Program& program, const Config& config, double timeout);
// The wall clock the zygote gives a non-Python program: its steps' clocks plus a second.
double recipe_wall_seconds(const Recipe& recipe);

}  // namespace mpt::sandbox
