// The synthetic benchmark workloads of bench/workloads.json, built request for request exactly as
// the Hugging Face baseline builds them (bench/hf_mpt_baseline.py, synthetic()): CPython's
// random.Random(seed), then per request randint() lengths and randrange(2, 50000) token ids, in the
// baseline's order of calls (tasks/python_random.h reproduces CPython's generator bit for bit).
//
// A workload spec (one key of workloads.json):
//   {"kind": "loglikelihood", "seed": S, "n": N, "context_len": [lo, hi], "continuation_len": [lo, hi]}
//   {"kind": "generate", "seed": S, "n": N, "prompt_len": [lo, hi], "max_new_tokens": M}
// plus an optional "about" text. Ranges are inclusive, as randint's.
// Errors: Input errors naming the file and the key (unknown workload, missing or malformed keys).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tasks/requests.h"

namespace mpt::bench {

enum class WorkloadKind { Loglikelihood, Generate };

struct Workload {
  std::string name;
  WorkloadKind kind = WorkloadKind::Loglikelihood;
  int64_t seed = 0;
  int64_t n = 0;
  int64_t first_len_lo = 0, first_len_hi = 0;    // context_len (loglikelihood) or prompt_len (generate)
  int64_t second_len_lo = 0, second_len_hi = 0;  // continuation_len (loglikelihood only)
  int32_t max_new_tokens = 0;                    // generate only
  std::string about;
};

// Every workload of a workloads.json file, in file order.
std::vector<Workload> read_workloads(const std::string& path);
// The workload called `name` from `path`; Input error listing the known names otherwise.
Workload find_workload(const std::string& path, const std::string& name);

// The requests, in the baseline's order. Exactly one of the two vectors is filled (by kind).
struct WorkloadRequests {
  std::vector<LoglikelihoodRequest> loglikelihood;
  std::vector<GenerateRequest> generate;  // greedy, no stop strings, no EOS stop (fixed length)
};
WorkloadRequests build_requests(const Workload& w);

// Tokens the baseline counts: context + continuation per log-likelihood request; max_new_tokens
// per generation request (every request generates exactly that many).
int64_t counted_tokens(const WorkloadRequests& r);

// The requests as JSON Lines, one compact object per line with sorted keys:
//   {"context":[...],"continuation":[...]}   or   {"max_new_tokens":M,"prompt":[...]}
// which the baseline reads with --loglikelihood FILE / --generate FILE.
std::string requests_jsonl(const WorkloadRequests& r);

}  // namespace mpt::bench
