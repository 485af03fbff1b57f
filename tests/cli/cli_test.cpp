// End-to-end checks of the mpt-eval binary's command-line contract: help, version, exit codes.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

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

// `mpt-eval` runs the commands that need no model without libtorch (it does not link it) and hands
// the others to mpt-eval-torch beside it. A lone copy of the front shows both halves: the light
// commands work, a model command names the missing executable.
TEST(Cli, TheFrontRunsModelFreeCommandsWithoutLibtorch) {
  std::string readelf = std::string("readelf -d '") + MPTEVAL_BINARY + "' 2>&1";
  std::string dynamic;
  if (FILE* p = popen(readelf.c_str(), "r")) {
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) dynamic.append(buf, n);
    pclose(p);
  }
  ASSERT_NE(dynamic.find("NEEDED"), std::string::npos) << dynamic;  // readelf worked
  EXPECT_EQ(dynamic.find("torch"), std::string::npos) << dynamic;
  EXPECT_EQ(dynamic.find("c10"), std::string::npos) << dynamic;

  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("mpteval_front_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::copy_file(MPTEVAL_BINARY, dir / "mpt-eval", fs::copy_options::overwrite_existing);
  std::string lone = (dir / "mpt-eval").string();
  for (const char* light : {"score-samples", "report", "compare", "check", "tokenize", "prompts"}) {
    auto r = run_program(lone, {light, "--help"});
    EXPECT_EQ(r.exit_code, 0) << light << ": " << r.err;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << light;
  }
  auto r = run_program(lone, {"-q", "score-samples", "--samples", (dir / "missing.jsonl").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;  // parsed and checked by the front itself
  r = run_program(lone, {"run", "--help"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("mpt-eval-torch"), std::string::npos) << r.err;
  r = run_program(lone, {"--version"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("mpt-eval-torch"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

// Through the front, every command and root option still works as one program: the model commands'
// options, usage errors and exit codes come back unchanged from mpt-eval-torch.
TEST(Cli, TheFrontHandsModelCommandsOnUnchanged) {
  auto r = run_mpt_eval({"-q", "init", "--out", "/nonexistent/never-written", "--no-such-option"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--no-such-option"), std::string::npos) << r.err;
  r = run_mpt_eval({"--help"});
  EXPECT_NE(r.out.find("Usage: mpt-eval"), std::string::npos) << r.out;
}

}  // namespace mpt::test
