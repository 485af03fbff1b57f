#include "bench/workload.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/jsonl.h"
#include "tasks/python_random.h"

namespace mpt::bench {
namespace {

// [lo, hi] with 0 <= lo <= hi, as randint accepts (and token counts need).
std::pair<int64_t, int64_t> require_range(const nlohmann::json& spec, const std::string& key, const std::string& where) {
  const nlohmann::json& v = require_key(spec, key, where);
  if (!v.is_array() || v.size() != 2 || !v[0].is_number_integer() || !v[1].is_number_integer() ||
      v[0].get<int64_t>() < 0 || v[0].get<int64_t>() > v[1].get<int64_t>())
    throw input_error("bad length range", where + ", key '" + key + "'", "[lo, hi] with 0 <= lo <= hi", describe_json(v));
  return {v[0].get<int64_t>(), v[1].get<int64_t>()};
}

Workload parse_workload(const std::string& name, const nlohmann::json& spec, const std::string& path) {
  const std::string where = path + ", workload '" + name + "'";
  if (!spec.is_object()) throw input_error("workload is not an object", where, "a JSON object", describe_json(spec));
  Workload w;
  w.name = name;
  const std::string kind = require_string(spec, "kind", where);
  if (kind == "loglikelihood") w.kind = WorkloadKind::Loglikelihood;
  else if (kind == "generate") w.kind = WorkloadKind::Generate;
  else throw input_error("unknown workload kind", where + ", key 'kind'", "loglikelihood or generate", kind);
  w.seed = require_int(spec, "seed", where);
  w.n = require_int(spec, "n", where);
  if (w.n < 0) throw input_error("negative request count", where + ", key 'n'", "n >= 0", std::to_string(w.n));
  if (w.kind == WorkloadKind::Loglikelihood) {
    std::tie(w.first_len_lo, w.first_len_hi) = require_range(spec, "context_len", where);
    std::tie(w.second_len_lo, w.second_len_hi) = require_range(spec, "continuation_len", where);
  } else {
    std::tie(w.first_len_lo, w.first_len_hi) = require_range(spec, "prompt_len", where);
    const int64_t m = require_int(spec, "max_new_tokens", where);
    if (m < 0 || m > INT32_MAX)
      throw input_error("bad max_new_tokens", where + ", key 'max_new_tokens'", "0 <= n < 2^31", std::to_string(m));
    w.max_new_tokens = static_cast<int32_t>(m);
  }
  if (spec.contains("about") && spec["about"].is_string()) w.about = spec["about"].get<std::string>();
  return w;
}

// random.randint(lo, hi) == lo + _randbelow(hi - lo + 1).
int64_t randint(PythonRandom& rng, int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(rng.randbelow(static_cast<uint64_t>(hi - lo + 1)));
}

// random.randrange(2, 50000) == 2 + _randbelow(49998): the baseline's token ids.
Tokens random_tokens(PythonRandom& rng, int64_t count) {
  Tokens t(static_cast<size_t>(count));
  for (auto& id : t) id = static_cast<TokenId>(2 + rng.randbelow(49998));
  return t;
}

}  // namespace

std::vector<Workload> read_workloads(const std::string& path) {
  nlohmann::json doc = parse_json(read_file(path), path);
  if (!doc.is_object()) throw input_error("workloads file is not a JSON object", path, "{\"name\": {...}, ...}", describe_json(doc));
  // nlohmann::json sorts keys; file order is what users see, so recover it from the ordered parse.
  nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(read_file(path));
  std::vector<Workload> out;
  for (const auto& [name, spec] : ordered.items()) out.push_back(parse_workload(name, doc.at(name), path));
  return out;
}

Workload find_workload(const std::string& path, const std::string& name) {
  std::vector<Workload> all = read_workloads(path);
  std::string names;
  for (const Workload& w : all) {
    if (w.name == name) return w;
    names += (names.empty() ? "" : ", ") + w.name;
  }
  throw input_error("unknown workload", path, "one of " + names, name);
}

WorkloadRequests build_requests(const Workload& w) {
  PythonRandom rng(w.seed);
  WorkloadRequests r;
  for (int64_t i = 0; i < w.n; ++i) {
    if (w.kind == WorkloadKind::Loglikelihood) {
      // Both lengths first, then the context's ids, then the continuation's (the baseline's order).
      const int64_t c = randint(rng, w.first_len_lo, w.first_len_hi);
      const int64_t k = randint(rng, w.second_len_lo, w.second_len_hi);
      LoglikelihoodRequest q;
      q.context = random_tokens(rng, c);
      q.continuation = random_tokens(rng, k);
      r.loglikelihood.push_back(std::move(q));
    } else {
      GenerateRequest g;
      g.prompt = random_tokens(rng, randint(rng, w.first_len_lo, w.first_len_hi));
      g.max_new_tokens = w.max_new_tokens;
      g.stop_at_eos = false;  // the baseline forces min_new_tokens = max_new_tokens
      r.generate.push_back(std::move(g));
    }
  }
  return r;
}

int64_t counted_tokens(const WorkloadRequests& r) {
  int64_t n = 0;
  for (const auto& q : r.loglikelihood) n += static_cast<int64_t>(q.context.size() + q.continuation.size());
  for (const auto& g : r.generate) n += g.max_new_tokens;
  return n;
}

std::string requests_jsonl(const WorkloadRequests& r) {
  std::string out;
  for (const auto& q : r.loglikelihood)
    out += nlohmann::json{{"context", q.context}, {"continuation", q.continuation}}.dump() + "\n";
  for (const auto& g : r.generate)
    out += nlohmann::json{{"max_new_tokens", g.max_new_tokens}, {"prompt", g.prompt}}.dump() + "\n";
  return out;
}

}  // namespace mpt::bench
