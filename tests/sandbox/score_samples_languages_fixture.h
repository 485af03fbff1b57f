// The fixture of the score-samples C++ / JavaScript suites: samples from LLM Foundry's files, a
// run of mpt-eval score-samples, the failing task ids.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tasks/code/code_problem.h"
#include "tests/cli/run_command.h"

namespace mpt::test {

using nlohmann::json;
namespace fs = std::filesystem;

inline const std::string kProgramming = std::string(MPTEVAL_SOURCE_DIR) + "/data/icl/programming/";

class ScoreSamplesLanguages : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mpt-score-languages-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    // The C++ header cache must lie where the sandbox can bind it (not under /tmp).
    cache_ = "/var/tmp/mpt-score-languages-cache-" + std::to_string(getpid());
  }
  void TearDown() override {
    fs::remove_all(dir_);
    fs::remove_all(cache_);
  }

  // The first `count` problems (0: all), each with the canonical solution or `completion`.
  std::string samples(const std::string& language, const std::string& name, size_t count,
                      const char* completion = nullptr) {
    std::string path = (dir_ / name).string();
    std::ofstream out(path);
    size_t n = 0;
    for (const auto& p : code::load_code_problems(kProgramming + "processed_human_eval_" + language + ".jsonl")) {
      if (count && n++ == count) break;
      out << json({{"task_id", p.task_id}, {"completion", completion ? completion : p.canonical_solution}}).dump() << "\n";
    }
    return path;
  }
  json score(const std::string& samples_path, const std::string& language, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"score-samples", "-q", "--samples", samples_path, "--language", language,
                                     "--k", "1", "--timeout", "20", "--cache-dir", cache_};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = run_mpt_eval(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? json::parse(r.out) : json::object();
  }
  static std::set<std::string> failing(const std::string& samples_path) {
    std::set<std::string> out;
    std::ifstream in(samples_path + "_results.jsonl");
    for (std::string line; std::getline(in, line);) {
      json j = json::parse(line);
      if (!j["passed"].get<bool>()) out.insert(j["task_id"].get<std::string>());
    }
    return out;
  }

  fs::path dir_;
  std::string cache_;
};

}  // namespace mpt::test
