// LLM Foundry's few-shot draws (MT19937 seeded like Python, random.sample's two strategies,
// choice, and CPython set order) against fewshot_indices.json, generated with CPython 3.11.7.
#include "tasks/fewshot_sampler.h"

#include <gtest/gtest.h>

#include "common/jsonl.h"
#include "tasks/python_int_set.h"
#include "tasks/python_random.h"

namespace mpt {
namespace {

const std::string kFixtures = std::string(MPTEVAL_TEST_FIXTURES) + "/icl_prompts/";

TEST(PythonRandom, MatchesCPythonFirstOutputs) {
  // python3 -c "import random; r=random.Random(1234); print([r.getrandbits(32) for _ in range(3)])"
  PythonRandom r(1234);
  EXPECT_EQ(r.next_uint32(), 4150886329u);
  EXPECT_EQ(r.next_uint32(), 3342196574u);
  EXPECT_EQ(r.next_uint32(), 1892932127u);
}

TEST(PythonRandom, SeedsBeyond32BitsAndNegativeSeeds) {
  // python3 -c "import random; print(random.Random(2**40+5).getrandbits(32), random.Random(-7).getrandbits(32), random.Random(0).getrandbits(32))"
  EXPECT_EQ(PythonRandom((int64_t(1) << 40) + 5).next_uint32(), 2166296868u);
  EXPECT_EQ(PythonRandom(-7).next_uint32(), 1390851128u);
  EXPECT_EQ(PythonRandom(0).next_uint32(), 3626764237u);
}

TEST(FewshotSampler, ReproducesEveryFixtureCase) {
  nlohmann::json doc = parse_json(read_file(kFixtures + "fewshot_indices.json"), "fewshot_indices.json");
  ASSERT_EQ(doc["cases"].size(), 7u);
  for (const auto& c : doc["cases"]) {
    const int64_t n = c["dataset_size"], k = c["num_fewshot"], seed = c["seed"];
    PythonRandom rng(seed);
    const auto& expected = c["fewshot_indices"];
    ASSERT_EQ(expected.size(), static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      std::vector<int64_t> want = expected[static_cast<size_t>(i)].get<std::vector<int64_t>>();
      ASSERT_EQ(fewshot_sample_indices(n, k, i, rng), want) << "case N=" << n << " k=" << k << " example " << i;
    }
  }
}

TEST(FewshotSampler, ZeroShotNeverTouchesTheGenerator) {
  PythonRandom a(1234), b(1234);
  EXPECT_TRUE(fewshot_sample_indices(100, 0, 5, a).empty());
  EXPECT_EQ(a.next_uint32(), b.next_uint32());
}

TEST(PythonIntSet, OrderIsSlotOrderNotInsertionOrder) {
  // python3 -c "print(list({1805, 478, 30}))" -> [1805, 478, 30]; list({9, 1}) -> [9, 1] (1 collides with 9 in slot 1)
  EXPECT_EQ(PythonIntSet({1805, 478, 30}).ordered(), (std::vector<uint64_t>{1805, 478, 30}));
  EXPECT_EQ(PythonIntSet({9, 1}).ordered(), (std::vector<uint64_t>{9, 1}));
}

}  // namespace
}  // namespace mpt

namespace mpt {
namespace {

// tests/fixtures/python_random/cases.json: CPython's own outputs (scripts/gen_python_random_cases.py).
const nlohmann::json& python_cases() {
  static const nlohmann::json doc = parse_json(
      read_file(std::string(MPTEVAL_TEST_FIXTURES) + "/python_random/cases.json"), "python_random/cases.json");
  return doc;
}

TEST(PythonRandom, SampleMatchesCPythonOnBothStrategies) {
  for (const auto& c : python_cases()["sample"]) {
    PythonRandom rng(c["seed"].get<int64_t>());
    for (const auto& draw : c["draws"])
      ASSERT_EQ(rng.sample_range(c["n"], c["k"]), draw.get<std::vector<uint64_t>>()) << c["n"] << " " << c["k"];
    EXPECT_EQ(rng.next_uint32(), c["next"].get<uint32_t>()) << "generator state after n=" << c["n"] << " k=" << c["k"];
  }
}

TEST(PythonRandom, ChoiceMatchesCPython) {
  for (const auto& c : python_cases()["choice"]) {
    PythonRandom rng(c["seed"].get<int64_t>());
    for (const auto& want : c["draws"]) ASSERT_EQ(rng.choice_below(c["n"]), want.get<uint64_t>()) << c["n"];
  }
}

TEST(PythonIntSet, MatchesCPythonOnRandomAddRemoveHistories) {
  for (const auto& c : python_cases()["set"]) {
    PythonIntSet s;
    for (const auto& op : c["ops"]) {
      if (op[0] == "add") s.add(op[1]);
      else s.remove(op[1]);
    }
    ASSERT_EQ(s.ordered(), c["order"].get<std::vector<uint64_t>>()) << c["ops"].dump();
  }
}

}  // namespace
}  // namespace mpt
