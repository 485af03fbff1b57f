#include "sandbox/zygote_protocol.h"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "sandbox/language.h"

namespace mpt::sandbox {
namespace {

using nlohmann::json;

// Waits until fd is ready for `events` or the deadline passes.
bool wait_ready(int fd, short events, Clock::time_point deadline, std::string& error) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left < 0) {
      error = "timed out waiting for the zygote";
      return false;
    }
    pollfd p{fd, events, 0};
    int rc = poll(&p, 1, static_cast<int>(std::min<long long>(left + 1, 1 << 30)));
    if (rc > 0) return true;
    if (rc < 0 && errno != EINTR) {
      error = std::string("poll: ") + std::strerror(errno);
      return false;
    }
  }
}

bool write_all(int fd, const char* p, size_t n, Clock::time_point deadline, std::string& error) {
  while (n) {
    if (!wait_ready(fd, POLLOUT, deadline, error)) return false;
    ssize_t w = write(fd, p, n);
    if (w < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (w <= 0) {
      error = std::string("write to the zygote: ") + std::strerror(errno);
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool read_all(int fd, char* p, size_t n, Clock::time_point deadline, std::string& error) {
  while (n) {
    if (!wait_ready(fd, POLLIN, deadline, error)) return false;
    ssize_t r = read(fd, p, n);
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (r <= 0) {
      error = r == 0 ? "the zygote closed its output (it died)" : std::string("read: ") + std::strerror(errno);
      return false;
    }
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

}  // namespace

bool write_frame(int fd, const std::string& body, Clock::time_point deadline, std::string& error) {
  uint32_t n = static_cast<uint32_t>(body.size());
  char head[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8), static_cast<char>(n)};
  return write_all(fd, head, 4, deadline, error) && write_all(fd, body.data(), body.size(), deadline, error);
}

bool read_frame(int fd, std::string& body, Clock::time_point deadline, std::string& error) {
  unsigned char head[4];
  if (!read_all(fd, reinterpret_cast<char*>(head), 4, deadline, error)) return false;
  uint32_t n = (uint32_t{head[0]} << 24) | (uint32_t{head[1]} << 16) | (uint32_t{head[2]} << 8) | head[3];
  if (n > (64u << 20)) {
    error = "the zygote sent an oversized frame (" + std::to_string(n) + " bytes)";
    return false;
  }
  body.assign(n, '\0');
  return read_all(fd, body.data(), n, deadline, error);
}

bool is_python(const Program& p) { return p.language.empty() || p.language == "python"; }

double request_wall_seconds(const Program& p, double timeout_seconds, const Config& config) {
  return is_python(p) ? timeout_seconds : recipe_wall_seconds(program_recipe(p, config, timeout_seconds));
}

std::string encode_request(const Program& p, int64_t seq, double timeout_seconds, const Config& config) {
  if (!is_python(p)) {
    Recipe recipe = program_recipe(p, config, timeout_seconds);
    json steps = json::array();
    for (const BuildStep& s : recipe.steps)
      steps.push_back({{"name", s.name}, {"argv", s.argv}, {"timeout", s.timeout_seconds}, {"memory", s.memory_bytes},
                       {"output", s.output_bytes}, {"nproc", s.processes}, {"compile", s.compile},
                       {"forward", s.forward_output}});
    json j = {{"seq", seq}, {"files", recipe.files}, {"steps", steps}, {"timeout", recipe_wall_seconds(recipe)},
              {"expect_stdout", p.expected_stdout ? json(*p.expected_stdout) : json()},
              {"completion_token", p.completion_token ? json(*p.completion_token) : json()}};
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  json j = {{"seq", seq},           {"solution", p.solution}, {"test", p.test},       {"entry_point", p.entry_point},
            {"timeout", timeout_seconds}, {"audit_hook", p.audit_hook}, {"seccomp", p.seccomp},
            {"checking", p.checking == Checking::SplitProcess ? "split" : "in-process"}, {"prelude", p.prelude}};
  // Programs may hold any bytes; invalid UTF-8 is replaced rather than rejected, as Python would
  // reject it at compile time anyway.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

ZygoteResponse decode_response(const std::string& body) {
  ZygoteResponse r;
  try {
    json j = json::parse(body);
    r.seq = j.value("seq", json()).is_number_integer() ? j["seq"].get<int64_t>() : -1;
    if (j.contains("error")) {
      r.facts.error = j["error"].get<std::string>();
      return r;
    }
    r.facts.status = j.at("status").get<int>();
    r.facts.timed_out = j.at("timed_out").get<bool>();
    r.facts.output_limit = j.at("output_limit").get<bool>();
    r.facts.done = j.at("done").get<bool>();
    r.facts.report = j.at("report").get<std::string>();
    r.facts.output_bytes = j.at("stdout_bytes").get<uint64_t>() + j.at("stderr_bytes").get<uint64_t>();
    if (j.contains("candidate")) {
      const json& c = j["candidate"];
      r.facts.split = true;
      r.facts.candidate_status = c.at("status").get<int>();
      r.facts.candidate_killed = c.at("killed").get<bool>();
      r.facts.candidate_report = c.at("report").get<std::string>();
    }
    r.stdout_text = j.at("stdout").get<std::string>();
    r.stderr_text = j.at("stderr").get<std::string>();
    r.wall_seconds = j.at("wall").get<double>();
    json phases = j.value("phases", json::object());
    for (const auto& [name, seconds] : phases.items()) r.phases[name] = seconds.get<double>();
  } catch (const json::exception& e) {
    throw runtime_error("malformed zygote response", "", "a response object", e.what());
  }
  return r;
}

std::string encode_zygote_config(const Config& c, const ZygoteSettings& s) {
  const Limits& l = c.limits;
  uint64_t cpu = static_cast<uint64_t>(std::ceil(l.timeout_seconds)) + 1;
  std::string hex;
  hex.reserve(s.program_filter.size() * 2);
  static const char* digits = "0123456789abcdef";
  for (unsigned char ch : s.program_filter) hex += {digits[ch >> 4], digits[ch & 15]};
  json j = {
      {"isolate", s.isolate},
      {"bpf", hex},
      {"preload", c.preload_modules},
      {"done_path", s.done_path},
      {"unsafe_workdir", s.unsafe_workdir},
      {"sys_clone", SYS_clone},
      // Inside a program's namespace: 0 is the zygote's own id (only used during set-up), uid/gid the program's.
      {"uid_map", "0 0 1\n" + std::to_string(s.uid) + " " + std::to_string(s.uid) + " 1\n"},
      {"gid_map", "0 0 1\n" + std::to_string(s.gid) + " " + std::to_string(s.gid) + " 1\n"},
      {"uid", s.uid},
      {"gid", s.gid},
      {"tmpfs_bytes", l.tmpfs_bytes},
      {"tmpfs_inodes", l.tmpfs_inodes},
      {"output_bytes", l.output_bytes},
      {"keep_output_bytes", l.keep_output_bytes},
      {"rlimits",
       {{"RLIMIT_AS", json::array({l.memory_bytes, l.memory_bytes})},
        {"RLIMIT_CPU", json::array({cpu, cpu + 1})},
        {"RLIMIT_FSIZE", json::array({l.file_size_bytes, l.file_size_bytes})},
        {"RLIMIT_NOFILE", json::array({l.open_files, l.open_files})},
        {"RLIMIT_NPROC", json::array({l.processes, l.processes})},
        {"RLIMIT_CORE", json::array({0, 0})}}},
  };
  return j.dump();
}

}  // namespace mpt::sandbox
