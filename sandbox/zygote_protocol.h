// The harness <-> zygote protocol (see sandbox/python/zygote.py for the other side).
//
// Frames on pipes: a 4-byte big-endian length, then a JSON object. The harness sends one request
// per program and reads exactly one response before sending the next; the zygote's first frame is
// {"ready": true, "pid": N}. Every read and write has a deadline, so a stuck zygote is detected.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "sandbox/program.h"
#include "sandbox/sandbox_config.h"
#include "sandbox/verdict.h"

namespace mpt::sandbox {

using Clock = std::chrono::steady_clock;

// Both return false (with `error` set) on timeout, end of file or an I/O error.
bool write_frame(int fd, const std::string& body, Clock::time_point deadline, std::string& error);
bool read_frame(int fd, std::string& body, Clock::time_point deadline, std::string& error);

// A non-Python program (program.language) is encoded with its recipe (language.h) under `config`.
std::string encode_request(const Program& program, int64_t seq, double timeout_seconds, const Config& config);
// The wall clock the zygote gives `program`: timeout_seconds, or a recipe's steps' clocks.
double request_wall_seconds(const Program& program, double timeout_seconds, const Config& config);

struct ZygoteResponse {
  int64_t seq = -1;
  RunFacts facts;
  std::string stdout_text, stderr_text;
  double wall_seconds = 0.0;
  // Seconds spent in each phase, as the zygote measured them: "clone", "maps" (writing the id maps),
  // "setup" (the program process's own set-up), "program" (set-up done to exit), "drain".
  std::map<std::string, double> phases;
};

// Throws mpt::Error (Runtime) when the body is not a well-formed response.
ZygoteResponse decode_response(const std::string& body);

// What the zygote needs to know at start (zygote.py's `cfg`).
struct ZygoteSettings {
  bool isolate = true;
  std::string program_filter;  // raw BPF (see seccomp_policy.h)
  std::string done_path;       // its completion socket, as the zygote sees it
  std::string unsafe_workdir;  // without isolation: where program working directories go
  uint32_t uid = 1000, gid = 1000;  // the programs' ids (inside the sandbox)
};
std::string encode_zygote_config(const Config& config, const ZygoteSettings& settings);

}  // namespace mpt::sandbox
