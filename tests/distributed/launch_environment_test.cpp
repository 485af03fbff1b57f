#include "dist/launch_environment.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "common/error.h"

namespace mpt::dist {
namespace {

using ::testing::HasSubstr;

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

// The message of the Input error reading `vars` throws.
std::string input_error_of(std::map<std::string, std::string> vars) {
  try {
    read_launch_environment(env_of(std::move(vars)));
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

TEST(LaunchEnvironment, NoVariablesIsASingleProcess) {
  LaunchEnvironment e = read_launch_environment(env_of({}));
  EXPECT_EQ(e.source, LaunchSource::None);
  EXPECT_EQ(e.rank, 0);
  EXPECT_EQ(e.world_size, 1);
  EXPECT_TRUE(e.master_addr.empty());
}

TEST(LaunchEnvironment, Torchrun) {
  LaunchEnvironment e = read_launch_environment(env_of(
      {{"RANK", "3"}, {"WORLD_SIZE", "8"}, {"LOCAL_RANK", "3"}, {"MASTER_ADDR", "10.0.0.1"}, {"MASTER_PORT", "29501"}}));
  EXPECT_EQ(e.source, LaunchSource::Torchrun);
  EXPECT_EQ(e.rank, 3);
  EXPECT_EQ(e.world_size, 8);
  EXPECT_EQ(e.local_rank, 3);
  EXPECT_EQ(e.master_addr, "10.0.0.1");
  EXPECT_EQ(e.master_port, 29501);
  EXPECT_FALSE(e.agent_store);
  EXPECT_THAT(e.variables, HasSubstr("RANK=3"));
}

TEST(LaunchEnvironment, TorchrunAgentStoreUsesTheAttemptPrefix) {
  LaunchEnvironment e = read_launch_environment(
      env_of({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "0"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "1234"},
              {"TORCHELASTIC_USE_AGENT_STORE", "True"}, {"TORCHELASTIC_RESTART_COUNT", "2"}}));
  EXPECT_TRUE(e.agent_store);
  EXPECT_EQ(e.store_prefix, "/worker/attempt_2");
}

TEST(LaunchEnvironment, OneRankNeedsNoMaster) {
  LaunchEnvironment e = read_launch_environment(env_of({{"RANK", "0"}, {"WORLD_SIZE", "1"}, {"LOCAL_RANK", "0"}}));
  EXPECT_EQ(e.world_size, 1);
}

TEST(LaunchEnvironment, InconsistentTorchrunVariablesAreNamed) {
  EXPECT_THAT(input_error_of({{"RANK", "1"}}), HasSubstr("WORLD_SIZE"));
  EXPECT_THAT(input_error_of({{"RANK", "1"}, {"WORLD_SIZE", "2"}}), HasSubstr("LOCAL_RANK"));
  EXPECT_THAT(input_error_of({{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "0"}}),
              HasSubstr("0 <= RANK < WORLD_SIZE"));
  EXPECT_THAT(input_error_of({{"RANK", "x"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "0"}}), HasSubstr("RANK"));
  EXPECT_THAT(input_error_of({{"RANK", "1"}, {"WORLD_SIZE", "0"}, {"LOCAL_RANK", "0"}}), HasSubstr("WORLD_SIZE"));
  EXPECT_THAT(input_error_of({{"RANK", "1"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "1"}, {"MASTER_PORT", "5"}}),
              HasSubstr("MASTER_ADDR"));
  EXPECT_THAT(input_error_of({{"RANK", "1"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "1"}, {"MASTER_ADDR", "h"},
                              {"MASTER_PORT", "70000"}}),
              HasSubstr("MASTER_PORT"));
}

TEST(LaunchEnvironment, SlurmTakesTheFirstNodeAndAJobPort) {
  LaunchEnvironment e = read_launch_environment(env_of({{"SLURM_PROCID", "5"},
                                                        {"SLURM_NTASKS", "16"},
                                                        {"SLURM_LOCALID", "1"},
                                                        {"SLURM_JOB_NODELIST", "gpu[07-09,12],login"},
                                                        {"SLURM_JOB_ID", "123456"}}));
  EXPECT_EQ(e.source, LaunchSource::Slurm);
  EXPECT_EQ(e.rank, 5);
  EXPECT_EQ(e.world_size, 16);
  EXPECT_EQ(e.local_rank, 1);
  EXPECT_EQ(e.master_addr, "gpu07");
  EXPECT_EQ(e.master_port, 20000 + 123456 % 20000);
}

TEST(LaunchEnvironment, SlurmPrefersMasterVariablesAndTheStepNodeList) {
  auto base = std::map<std::string, std::string>{
      {"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "2"}, {"SLURM_LOCALID", "0"}, {"SLURM_JOB_NODELIST", "a[1-2]"}};
  auto with = [&](std::map<std::string, std::string> extra) {
    auto v = base;
    v.insert(extra.begin(), extra.end());
    return read_launch_environment(env_of(v));
  };
  EXPECT_EQ(with({}).master_addr, "a1");
  EXPECT_EQ(with({}).master_port, 29500);
  EXPECT_EQ(with({{"SLURM_STEP_NODELIST", "b[3-4]"}}).master_addr, "b3");
  EXPECT_EQ(with({{"MASTER_ADDR", "head"}, {"MASTER_PORT", "4000"}}).master_addr, "head");
  EXPECT_EQ(with({{"MASTER_ADDR", "head"}, {"MASTER_PORT", "4000"}}).master_port, 4000);
}

TEST(LaunchEnvironment, TorchrunWinsOverSlurm) {
  LaunchEnvironment e = read_launch_environment(
      env_of({{"RANK", "1"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "1"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "1"},
              {"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "1"}, {"SLURM_LOCALID", "0"}}));
  EXPECT_EQ(e.source, LaunchSource::Torchrun);
  EXPECT_EQ(e.rank, 1);
}

TEST(LaunchEnvironment, InconsistentSlurmVariablesAreNamed) {
  EXPECT_THAT(input_error_of({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "2"}}), HasSubstr("SLURM_LOCALID"));
  EXPECT_THAT(input_error_of({{"SLURM_PROCID", "3"}, {"SLURM_NTASKS", "2"}, {"SLURM_LOCALID", "0"}}),
              HasSubstr("SLURM_PROCID < SLURM_NTASKS"));
  EXPECT_THAT(input_error_of({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "2"}, {"SLURM_LOCALID", "0"}}),
              HasSubstr("SLURM_JOB_NODELIST"));
  EXPECT_THAT(input_error_of({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "2"}, {"SLURM_LOCALID", "0"},
                              {"SLURM_JOB_NODELIST", "n[1-"}}),
              HasSubstr("SLURM_JOB_NODELIST"));
}

TEST(Hostlist, ExpandsSlurmsCompressedForm) {
  using V = std::vector<std::string>;
  EXPECT_EQ(expand_hostlist("node01"), V{"node01"});
  EXPECT_EQ(expand_hostlist("node[01-04,07]"), (V{"node01", "node02", "node03", "node04", "node07"}));
  EXPECT_EQ(expand_hostlist("a[8-10],b"), (V{"a8", "a9", "a10", "b"}));
  EXPECT_EQ(expand_hostlist("r[1-2]-n[1-2]"), (V{"r1-n1", "r1-n2", "r2-n1", "r2-n2"}));
  EXPECT_EQ(expand_hostlist("x[098-101]"), (V{"x098", "x099", "x100", "x101"}));
  EXPECT_EQ(expand_hostlist("login,gpu-[3]"), (V{"login", "gpu-3"}));
}

TEST(Hostlist, RejectsMalformedLists) {
  for (const char* bad : {"n[1-", "n]1[", "n[4-2]", "n[a-b]", "n[]", "n[1,,2]"}) {
    try {
      expand_hostlist(bad, "SLURM_JOB_NODELIST");
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Input) << bad;
      EXPECT_THAT(e.what(), HasSubstr("SLURM_JOB_NODELIST")) << bad;
    }
  }
}

}  // namespace
}  // namespace mpt::dist
