// `mpt-eval bench` builds exactly the requests of the Hugging Face baseline's synthetic(): checked
// against tests/fixtures/bench/requests_golden.json, which CPython 3.11 wrote by running the
// baseline's own synthetic() (scripts/gen_bench_requests_golden.py). Exact: the SHA-256 of every
// request in the --dump-requests format, the token counts and the first requests in full.
#include "bench/workload.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/jsonl.h"
#include "common/sha256.h"

namespace mpt::bench {
namespace {

const std::string kWorkloads = std::string(MPTEVAL_SOURCE_DIR) + "/bench/workloads.json";

nlohmann::json golden() {
  return parse_json(read_file(std::string(MPTEVAL_TEST_FIXTURES) + "/bench/requests_golden.json"), "golden");
}

TEST(BenchWorkload, EveryWorkloadBuildsTheBaselinesRequestsExactly) {
  const nlohmann::json g = golden();
  std::vector<Workload> all = read_workloads(kWorkloads);
  ASSERT_EQ(all.size(), g["workloads"].size());
  for (const Workload& w : all) {
    SCOPED_TRACE(w.name);
    const nlohmann::json& want = g["workloads"].at(w.name);
    WorkloadRequests r = build_requests(w);
    const std::string jsonl = requests_jsonl(r);
    EXPECT_EQ(want["kind"], w.kind == WorkloadKind::Loglikelihood ? "loglikelihood" : "generate");
    EXPECT_EQ(want["requests"].get<int64_t>(), static_cast<int64_t>(r.loglikelihood.size() + r.generate.size()));
    EXPECT_EQ(want["tokens"].get<int64_t>(), counted_tokens(r));
    EXPECT_EQ(want["sha256"].get<std::string>(), sha256_hex(jsonl));
    // The first request in full, for a readable failure.
    nlohmann::json first = parse_json(jsonl.substr(0, jsonl.find('\n')), "first request");
    EXPECT_EQ(first, want["first"][0]);
  }
}

TEST(BenchWorkload, GenerationRequestsRunToTheirFullLength) {
  WorkloadRequests r = build_requests(find_workload(kWorkloads, "humaneval-like"));
  ASSERT_EQ(r.generate.size(), 164u);
  for (const auto& g : r.generate) {
    EXPECT_FALSE(g.stop_at_eos);  // the baseline forces min_new_tokens = max_new_tokens
    EXPECT_TRUE(g.stop.empty());
    EXPECT_EQ(g.max_new_tokens, 256);
    EXPECT_GE(g.prompt.size(), 60u);
    EXPECT_LE(g.prompt.size(), 400u);
  }
}

TEST(BenchWorkload, BadSpecsAreInputErrorsNamingTheWorkloadAndKey) {
  const std::string dir = ::testing::TempDir();
  auto error_of = [&](const std::string& text, const std::string& name) -> std::string {
    const std::string path = dir + "/workloads-bad.json";
    write_file_atomic(path, text);
    try {
      find_workload(path, name);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Input);
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(error_of(R"({"a": {"kind": "generate", "seed": 1, "n": 2, "max_new_tokens": 3}})", "a")
                .find("missing key 'prompt_len'"), std::string::npos);
  EXPECT_NE(error_of(R"({"a": {"kind": "loglikelihood", "seed": 1, "n": 2, "context_len": [5, 1], "continuation_len": [1, 2]}})", "a")
                .find("bad length range"), std::string::npos);
  EXPECT_NE(error_of(R"({"a": {"kind": "rerank", "seed": 1, "n": 2}})", "a").find("unknown workload kind"), std::string::npos);
  EXPECT_NE(error_of(R"({"a": {"kind": "generate", "seed": 1, "n": 2, "prompt_len": [1, 2], "max_new_tokens": 3}})", "b")
                .find("unknown workload"), std::string::npos);
}

}  // namespace
}  // namespace mpt::bench
