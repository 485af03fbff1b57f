// mpt-eval score-samples on HumanEval+ (EvalPlus v0.1.10, the bundled data/humanevalplus): base
// and plus results per sample, EvalPlus's comparison (floats within atol, find_zero's oracle,
// integers beyond 64 bits kept exact), its per-input time limit, and loading errors.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "tasks/code/code_problem.h"
#include "tests/cli/run_command.h"

namespace mpt::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kPlus = std::string(MPTEVAL_SOURCE_DIR) + "/data/humanevalplus/HumanEvalPlus.jsonl.gz";

class ScoreSamplesEvalPlus : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mpt-score-evalplus-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    for (const auto& p : code::load_code_problems(kPlus)) problems_[p.task_id] = p;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // task_id -> completion (empty: the canonical solution)
  json score(const std::vector<std::pair<std::string, std::string>>& samples, std::vector<std::string> extra = {}) {
    std::string path = (dir_ / "samples.jsonl").string();
    std::ofstream out(path);
    for (const auto& [id, completion] : samples)
      out << json({{"task_id", id}, {"completion", completion.empty() ? problems_.at(id).canonical_solution : completion}}).dump()
          << "\n";
    out.close();
    std::vector<std::string> args = {"score-samples", "-q", "--samples", path, "--problems", kPlus, "--k", "1"};
    if (extra.empty()) extra = {"--cache-dir", (dir_ / "cache").string()};   // never the user's own cache
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = run_mpt_eval(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    results_.clear();
    std::ifstream in(path + "_results.jsonl");
    for (std::string line; std::getline(in, line);) results_.push_back(json::parse(line));
    return r.exit_code == 0 ? json::parse(r.out) : json::object();
  }

  fs::path dir_;
  std::map<std::string, code::CodeProblem> problems_;
  std::vector<json> results_;
};

TEST_F(ScoreSamplesEvalPlus, ProblemsKeepTheirInputsAsWritten) {
  ASSERT_EQ(problems_.size(), 164u);
  size_t base = 0, plus = 0;
  for (const auto& [id, p] : problems_) {
    EXPECT_EQ(p.format, code::ProblemFormat::EvalPlus);
    base += p.base_inputs;
    plus += p.plus_inputs;
  }
  EXPECT_EQ(base, 1570u);   // EvalPlus v0.1.10's counts
  EXPECT_EQ(plus, 122683u);
  // HumanEval/108's plus inputs hold integers beyond 64 bits: kept digit for digit, not as floats.
  EXPECT_EQ(problems_.at("HumanEval/108").plus_inputs_json.find("e+"), std::string::npos);
  EXPECT_EQ(problems_.at("HumanEval/2").atol, 1e-06);
}

TEST_F(ScoreSamplesEvalPlus, CanonicalPassesBaseAndPlusWrongAnswersFail) {
  // Floats within atol (2, 4), find_zero's oracle (32), big integers (79, 108), and wrong answers.
  json s = score({{"HumanEval/2", ""}, {"HumanEval/4", ""}, {"HumanEval/32", ""}, {"HumanEval/79", ""},
                  {"HumanEval/108", ""}, {"HumanEval/0", "    pass\n"}, {"HumanEval/4", "    return 0.0\n"}});
  EXPECT_EQ(s["verdicts"]["passed"], 5);
  EXPECT_EQ(s["plus_verdicts"]["passed"], 5);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(results_[i]["passed"], true) << results_[i].dump();
    EXPECT_EQ(results_[i]["plus_passed"], true) << results_[i].dump();
  }
  EXPECT_EQ(results_[5]["passed"], false);
  EXPECT_EQ(results_[6]["plus_passed"], false);
  EXPECT_NE(results_[6]["result"].get<std::string>().find("input 0: not close to the expected output"), std::string::npos)
      << results_[6]["result"];
  ASSERT_TRUE(s.contains("plus_pass@1"));
}

TEST_F(ScoreSamplesEvalPlus, PlusInputsCatchWhatBaseInputsMiss) {
  // An off-by-one edit of the canonical is_prime (1 -> 2 in `n <= 1`): right on every base input,
  // wrong for n = 2 among the plus inputs.
  json s = score({{"HumanEval/31", "\n    if n <= 2: return False\n    n_sqrt = 1\n    while n_sqrt ** 2 < n: n_sqrt += 1\n"
                                   "    for i in range(2, min(n_sqrt + 1, n)):\n        if n % i == 0:\n"
                                   "            return False\n    return True\n\n"}});
  EXPECT_EQ(results_[0]["passed"], true) << results_[0]["result"];
  EXPECT_EQ(results_[0]["plus_passed"], false) << results_[0]["plus_result"];
  EXPECT_EQ(s["pass@1"], 1.0);
  EXPECT_EQ(s["plus_pass@1"], 0.0);
}

TEST_F(ScoreSamplesEvalPlus, LargeAnswersPassWithinTheirLimit) {
  // HumanEval/100's and 130's plus answers are lists of up to a million numbers: the time they take
  // to cross the process boundary belongs to the limit (measured only when a call reaches 4 s).
  json s = score({{"HumanEval/100", ""}, {"HumanEval/130", ""}});
  for (const auto& r : results_) {
    EXPECT_EQ(r["passed"], true) << r.dump();
    EXPECT_EQ(r["plus_passed"], true) << r.dump();
  }
  EXPECT_EQ(s["plus_verdicts"]["passed"], 2);
}

TEST_F(ScoreSamplesEvalPlus, EachInputHasEvalPlusTimeLimit) {
  // max(4 s, 4 x the canonical time) per input: a candidate sleeping 6 s on every input fails.
  score({{"HumanEval/0", "    import time\n    time.sleep(6)\n    return False\n"}});
  EXPECT_EQ(results_[0]["passed"], false);
  EXPECT_NE(results_[0]["result"].get<std::string>().find("input 0: time limit exceeded (4.0 s)"), std::string::npos)
      << results_[0]["result"];
}

// The expected outputs come from a cache computed once per dataset file (in the sandbox): written on
// the first run, read on the next without computing anything, a damaged entry detected and computed
// again; the verdicts are the same with and without it. HumanEval/130's plus outputs (90 MB of
// numbers) are too large to cache: its entry says so and its checker computes them (a wrong
// completion there, failing on the first input, keeps the test short).
TEST_F(ScoreSamplesEvalPlus, ExpectedOutputsAreCachedPerDatasetFile) {
  const std::vector<std::pair<std::string, std::string>> samples = {
      {"HumanEval/0", ""}, {"HumanEval/2", ""}, {"HumanEval/130", "    return []\n"}, {"HumanEval/4", "    return 0.0\n"}};
  auto verdicts = [&] {
    std::vector<std::string> out;
    for (const json& r : results_) out.push_back(r["result"].get<std::string>() + " | " + r["plus_result"].get<std::string>());
    return out;
  };
  auto counts = [](const json& s) {
    const json& e = s["expected_outputs"];
    return std::vector<int64_t>{e["from_cache"], e["computed"], e["damaged"], e["not_cached"]};
  };
  json s = score(samples);
  ASSERT_TRUE(s.contains("expected_outputs")) << s.dump();
  EXPECT_EQ(counts(s), (std::vector<int64_t>{0, 8, 0, 0}));   // 4 problems x (base, plus)
  const std::vector<std::string> first = verdicts();
  EXPECT_EQ(s["verdicts"]["passed"], 2);
  EXPECT_EQ(s["plus_verdicts"]["passed"], 2);
  EXPECT_NE(first[2].find("input 0: wrong output"), std::string::npos) << first[2];
  fs::path cache = s["expected_outputs"]["cache"].get<std::string>();
  EXPECT_EQ(cache.parent_path(), dir_ / "cache");
  auto read = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  auto tag = [&](const fs::path& p) {   // the entry's first character, after the header line
    std::string data = read(p);
    return data.substr(data.find('\n') + 1, 1);
  };
  EXPECT_EQ(tag(cache / "HumanEval_130.plus"), "L");   // computed by its checker
  EXPECT_EQ(tag(cache / "HumanEval_130.base"), "E");
  EXPECT_EQ(tag(cache / "HumanEval_2.base"), "E");

  s = score(samples);   // everything from the cache: nothing computed
  EXPECT_EQ(counts(s), (std::vector<int64_t>{8, 0, 0, 0}));
  EXPECT_EQ(verdicts(), first);

  // Damage two entries: one cut short, one with a changed byte (the length still right).
  std::string cut = read(cache / "HumanEval_0.plus");
  std::ofstream(cache / "HumanEval_0.plus", std::ios::binary) << cut.substr(0, cut.size() - 1);
  std::string changed = read(cache / "HumanEval_2.base");
  changed[changed.size() - 3] = changed[changed.size() - 3] == 'A' ? 'B' : 'A';
  std::ofstream(cache / "HumanEval_2.base", std::ios::binary) << changed;
  s = score(samples);
  EXPECT_EQ(counts(s), (std::vector<int64_t>{6, 2, 2, 0}));
  EXPECT_EQ(verdicts(), first);
  s = score(samples);   // written again, whole
  EXPECT_EQ(counts(s), (std::vector<int64_t>{8, 0, 0, 0}));

  s = score(samples, {"--cache-dir", (dir_ / "cache").string(), "--no-expected-cache"});
  EXPECT_FALSE(s.contains("expected_outputs"));
  EXPECT_EQ(verdicts(), first);
}

// A string output longer than kEvalPlusDigestChars is cached as its SHA-256 and length (HumanEval/15's
// plus outputs: 147 MB of strings). The digest decides `out == expected` exactly as the strings
// would: the same string passes; one character changed, a list of the same characters and bytes
// fail, with the result strings of a run without the cache, with atol 0 and with atol set (which
// checks the type first). Two small problems of EvalPlus's format keep it short.
TEST_F(ScoreSamplesEvalPlus, LongStringOutputsAreCachedAsDigests) {
  fs::path problems = dir_ / "long.jsonl";
  {
    std::ofstream out(problems);
    for (const char* atol : {"0", "1e-06"}) {
      out << json({{"task_id", std::string("Long/") + atol},
                   {"prompt", "def long_text(n, c):\n    \"\"\"c repeated n times\"\"\"\n"},
                   {"canonical_solution", "    return c * n\n"},
                   {"entry_point", "long_text"},
                   {"test", ""},
                   {"base_input", json::array({json::array({3, "a"})})},
                   {"plus_input", json::array({json::array({2, "b"}), json::array({40000, "ab"}),
                                               json::array({70000, "\u00e9"})})},
                   {"atol", std::stod(atol)}})
                 .dump()
          << "\n";
    }
  }
  const std::vector<std::string> completions = {
      "    return c * n\n",
      "    s = c * n\n    return s if len(s) < 1000 else s[:-1] + 'x'\n",   // same length, last character changed
      "    return list(c * n)\n",
      "    return (c * n).encode()\n"};
  fs::path samples = dir_ / "long_samples.jsonl";
  {
    std::ofstream out(samples);
    for (const char* id : {"Long/0", "Long/1e-06"})
      for (const std::string& c : completions) out << json({{"task_id", id}, {"completion", c}}).dump() << "\n";
  }
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"score-samples", "-q", "--samples", samples.string(), "--problems",
                                     problems.string(), "--cache-dir", (dir_ / "cache").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = run_mpt_eval(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> verdicts;
    std::ifstream in(samples.string() + "_results.jsonl");
    for (std::string line; std::getline(in, line);) {
      json j = json::parse(line);
      verdicts.push_back(j["result"].get<std::string>() + " | " + j["plus_result"].get<std::string>());
    }
    return std::make_pair(r.exit_code == 0 ? json::parse(r.out) : json::object(), verdicts);
  };
  auto [cold, with_cache] = run({});
  ASSERT_EQ(with_cache.size(), 8u);
  EXPECT_EQ(cold["expected_outputs"]["computed"], 4) << cold.dump();
  EXPECT_EQ(cold["expected_outputs"]["not_cached"], 0) << cold.dump();
  for (size_t i : {0, 4}) EXPECT_EQ(with_cache[i], "passed | passed");
  for (size_t i = 0; i < 8; ++i) {
    if (i % 4 == 0) continue;
    const std::string& v = with_cache[i];
    std::string base = v.substr(0, v.find(" | ")), plus = v.substr(v.find(" | ") + 3);
    if (i % 4 == 1) {   // right on the short outputs, wrong on the first long one
      EXPECT_EQ(base, "passed") << v;
      EXPECT_NE(plus.find(i < 4 ? "input 1: wrong output" : "input 1: not close"), std::string::npos) << v;
    } else {            // not a str: wrong from the first input on
      EXPECT_NE(base.find(i < 4 ? "input 0: wrong output" : "input 0: type "), std::string::npos) << v;
      EXPECT_NE(plus.find("input 0: "), std::string::npos) << v;
    }
  }
  // The plus entry is small: the two long outputs are digests (80,000 and 70,000 characters).
  std::string cache_dir = cold["expected_outputs"]["cache"].get<std::string>();
  for (const char* name : {"Long_0.plus", "Long_1e-06.plus"}) {
    EXPECT_LT(fs::file_size(fs::path(cache_dir) / name), 2000u) << name;
  }
  auto [warm, from_cache] = run({});
  EXPECT_EQ(warm["expected_outputs"]["from_cache"], 4) << warm.dump();
  EXPECT_EQ(from_cache, with_cache);
  auto [none, without] = run({"--no-expected-cache"});
  EXPECT_EQ(without, with_cache);
}

TEST(EvalPlusProblems, BadLinesNameFileAndLine) {
  fs::path p = fs::temp_directory_path() / ("mpt-evalplus-bad-" + std::to_string(getpid()) + ".jsonl");
  std::ofstream(p) << R"({"task_id": "T", "prompt": "", "canonical_solution": "", "test": "", "entry_point": "f", "base_input": 3, "plus_input": [[1]], "atol": 0})"
                   << "\n";
  try {
    code::load_code_problems(p.string());
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("wrong type for key 'base_input'"), std::string::npos) << what;
    EXPECT_NE(what.find(p.string() + ":1"), std::string::npos) << what;
  }
  fs::remove(p);
}

}  // namespace
}  // namespace mpt::test
