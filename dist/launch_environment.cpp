#include "dist/launch_environment.h"

#include <cerrno>
#include <cstdlib>
#include <limits>

#include "common/error.h"

namespace mpt::dist {
namespace {

// Strict decimal integer: digits only (an optional leading '-'), no trailing text, within [lo, hi].
std::optional<long long> parse_int(const std::string& s, long long lo, long long hi) {
  if (s.empty()) return std::nullopt;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  for (size_t j = i; j < s.size(); ++j)
    if (s[j] < '0' || s[j] > '9') return std::nullopt;
  errno = 0;
  long long v = std::strtoll(s.c_str(), nullptr, 10);
  if (errno != 0 || v < lo || v > hi) return std::nullopt;
  return v;
}

class Reader {
 public:
  explicit Reader(const EnvLookup& env) : env_(env) {}

  std::optional<std::string> get(const std::string& name) {
    auto v = env_(name);
    if (v) seen_ += (seen_.empty() ? "" : " ") + name + "=" + *v;
    return v;
  }
  // The variable as an integer in [lo, hi]; Input error naming it otherwise.
  long long integer(const std::string& name, const std::string& value, long long lo, long long hi,
                    const std::string& expected) {
    auto v = parse_int(value, lo, hi);
    if (!v) throw input_error("invalid launcher variable", name, expected, "'" + value + "' (" + seen_ + ")");
    return *v;
  }
  [[noreturn]] void missing(const std::string& launcher, const std::string& name, const std::string& needed) {
    throw input_error("incomplete " + launcher + " environment", name, needed,
                      name + " unset (" + (seen_.empty() ? "nothing set" : seen_) + ")");
  }
  const std::string& seen() const { return seen_; }

 private:
  const EnvLookup& env_;
  std::string seen_;
};

constexpr long long kMaxRanks = 1 << 20;

void read_master(Reader& r, LaunchEnvironment& e, const std::string& launcher, bool from_slurm) {
  if (e.world_size == 1) return;
  if (auto addr = r.get("MASTER_ADDR")) e.master_addr = *addr;
  if (auto port = r.get("MASTER_PORT"))
    e.master_port = static_cast<uint16_t>(r.integer("MASTER_PORT", *port, 1, 65535, "a TCP port in 1..65535"));
  if (!from_slurm) {
    if (e.master_addr.empty())
      r.missing(launcher, "MASTER_ADDR", "the rendezvous host when WORLD_SIZE > 1");
    if (e.master_port == 0) r.missing(launcher, "MASTER_PORT", "the rendezvous port when WORLD_SIZE > 1");
    return;
  }
  if (e.master_addr.empty()) {
    std::optional<std::string> list;
    std::string which;
    for (const char* name : {"SLURM_STEP_NODELIST", "SLURM_JOB_NODELIST", "SLURM_NODELIST"})
      if ((list = r.get(name))) {
        which = name;
        break;
      }
    if (!list) r.missing(launcher, "SLURM_JOB_NODELIST", "the job's node list (or MASTER_ADDR) when SLURM_NTASKS > 1");
    std::vector<std::string> hosts = expand_hostlist(*list, which);
    if (hosts.empty()) throw input_error("empty node list", which, "at least one host", "'" + *list + "'");
    e.master_addr = hosts.front();
  }
  if (e.master_port == 0) {
    e.master_port = 29500;
    if (auto job = r.get("SLURM_JOB_ID"))
      if (auto id = parse_int(*job, 0, std::numeric_limits<long long>::max()))
        e.master_port = static_cast<uint16_t>(20000 + *id % 20000);
  }
}

// A launcher's three rank variables and how its error messages name their values.
struct RankVariables {
  std::string launcher, rank, size, local;
  std::string rank_is, size_is, local_is;  // "a rank >= 0", "a number of ranks >= 1", "a local rank >= 0"
};

// Reads rank, world size and local rank; Input errors for a missing, malformed or inconsistent one.
void read_ranks(Reader& r, LaunchEnvironment& e, const RankVariables& v) {
  auto rank = r.get(v.rank);
  auto size = r.get(v.size);
  auto local = r.get(v.local);
  if (!rank) r.missing(v.launcher, v.rank, v.rank + " together with " + v.size + " and " + v.local);
  if (!size) r.missing(v.launcher, v.size, v.size + " together with " + v.rank + " and " + v.local);
  if (!local) r.missing(v.launcher, v.local, v.local + " together with " + v.rank + " and " + v.size);
  e.world_size = static_cast<int>(r.integer(v.size, *size, 1, kMaxRanks, v.size_is));
  e.rank = static_cast<int>(r.integer(v.rank, *rank, 0, kMaxRanks, v.rank_is));
  e.local_rank = static_cast<int>(r.integer(v.local, *local, 0, kMaxRanks, v.local_is));
  if (e.rank >= e.world_size)
    throw input_error("inconsistent " + v.launcher + " environment", v.rank + ", " + v.size,
                      "0 <= " + v.rank + " < " + v.size, r.seen());
}

LaunchEnvironment read_torchrun(Reader& r) {
  LaunchEnvironment e;
  e.source = LaunchSource::Torchrun;
  read_ranks(r, e, {"torchrun", "RANK", "WORLD_SIZE", "LOCAL_RANK", "a rank >= 0", "a number of ranks >= 1",
                    "a local rank >= 0"});
  read_master(r, e, "torchrun", false);
  if (auto agent = r.get("TORCHELASTIC_USE_AGENT_STORE"); agent && *agent == "True") {
    e.agent_store = true;
    auto attempt = r.get("TORCHELASTIC_RESTART_COUNT");
    e.store_prefix = "/worker/attempt_" + (attempt ? *attempt : std::string("0"));
  }
  return e;
}

LaunchEnvironment read_slurm(Reader& r) {
  LaunchEnvironment e;
  e.source = LaunchSource::Slurm;
  read_ranks(r, e, {"Slurm", "SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID", "a task id >= 0",
                    "a number of tasks >= 1", "a local task id >= 0"});
  read_master(r, e, "Slurm", true);
  return e;
}

// Splits at commas outside brackets.
std::vector<std::string> split_top_level(const std::string& s, const std::string& where) {
  std::vector<std::string> items;
  std::string cur;
  int depth = 0;
  for (char c : s) {
    if (c == '[') ++depth;
    if (c == ']' && --depth < 0) break;
    if (c == ',' && depth == 0) {
      items.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (depth != 0) throw input_error("unbalanced brackets in host list", where, "matching [ and ]", "'" + s + "'");
  items.push_back(cur);
  return items;
}

// "01-04,07" -> 01 02 03 04 07 (width of each range's lower bound kept).
std::vector<std::string> expand_ranges(const std::string& body, const std::string& list, const std::string& where) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= body.size()) {
    size_t comma = body.find(',', start);
    std::string part = body.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t dash = part.find('-');
    std::string lo_text = part.substr(0, dash);
    std::string hi_text = dash == std::string::npos ? lo_text : part.substr(dash + 1);
    auto lo = parse_int(lo_text, 0, 1LL << 40), hi = parse_int(hi_text, 0, 1LL << 40);
    if (lo_text.empty() || !lo || !hi || *hi < *lo || lo_text[0] == '-')
      throw input_error("bad range in host list", where, "ranges like [01-04,07]", "'[" + body + "]' in '" + list + "'");
    for (long long v = *lo; v <= *hi; ++v) {
      std::string n = std::to_string(v);
      if (n.size() < lo_text.size()) n.insert(0, lo_text.size() - n.size(), '0');
      out.push_back(n);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

const char* to_string(LaunchSource s) {
  switch (s) {
    case LaunchSource::Torchrun: return "torchrun";
    case LaunchSource::Slurm: return "Slurm";
    case LaunchSource::None: break;
  }
  return "none";
}

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
}

LaunchEnvironment read_launch_environment(const EnvLookup& env) {
  Reader r(env);
  LaunchEnvironment e;
  if (env("RANK") || env("WORLD_SIZE")) {
    e = read_torchrun(r);
  } else if (env("SLURM_PROCID")) {
    e = read_slurm(r);
  }
  e.variables = r.seen();
  return e;
}

std::vector<std::string> expand_hostlist(const std::string& list, const std::string& where) {
  std::vector<std::string> hosts;
  for (const std::string& item : split_top_level(list, where)) {
    if (item.empty()) continue;
    // Cartesian product of the literal pieces and bracket groups, the last group varying fastest.
    std::vector<std::string> names{""};
    size_t i = 0;
    while (i < item.size()) {
      size_t open = item.find('[', i);
      std::string literal = item.substr(i, open == std::string::npos ? std::string::npos : open - i);
      for (std::string& n : names) n += literal;
      if (open == std::string::npos) break;
      size_t close = item.find(']', open);
      std::vector<std::string> values = expand_ranges(item.substr(open + 1, close - open - 1), list, where);
      std::vector<std::string> next;
      for (const std::string& n : names)
        for (const std::string& v : values) next.push_back(n + v);
      names = std::move(next);
      i = close + 1;
    }
    hosts.insert(hosts.end(), names.begin(), names.end());
  }
  return hosts;
}

}  // namespace mpt::dist
