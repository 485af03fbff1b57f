// End-to-end checks of the mpt-eval binary's command-line contract: help, version, exit codes.
#include <gtest/gtest.h>

#include "tests/cli/run_command.h"

namespace mpt::test {

TEST(Cli, HelpListsEveryCommandAndExitCodes) {
  auto r = run_mpt_eval({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* cmd : {"run", "prompts", "tokenize", "init", "logits", "generate", "score-samples", "report",
                          "compare", "check", "launch", "watch", "bench"})
    EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
  EXPECT_NE(r.out.find("Exit codes"), std::string::npos);
  EXPECT_NE(r.out.find("regression detected"), std::string::npos);
}

TEST(Cli, VersionNamesGitTorchAndCuda) {
  auto r = run_mpt_eval({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("mpt-eval 0."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(git "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("libtorch "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CUDA available: "), std::string::npos) << r.out;
}

TEST(Cli, UnknownCommandIsUsageError) {
  auto r = run_mpt_eval({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("frobnicate"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("mpt-eval --help"), std::string::npos) << r.err;
}

TEST(Cli, NoCommandIsUsageError) {
  auto r = run_mpt_eval({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--help"), std::string::npos) << r.err;
}

TEST(Cli, UnknownOptionIsUsageError) {
  auto r = run_mpt_eval({"--no-such-flag"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(Cli, SubcommandHelpWorks) {
  auto r = run_mpt_eval({"run", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("run"), std::string::npos);
}

}  // namespace mpt::test
