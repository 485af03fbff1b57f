// mpt-eval launch: start N local ranks of mpt-eval (or of any program), like torchrun --standalone.
#include <fmt/format.h>

#include "common/log.h"
#include "harness/cli/number_checks.h"
#include "harness/cli/subcommands.h"
#include "dist/local_launcher.h"

namespace mpt::cli {
namespace {

struct LaunchFlags {
  dist::LocalLaunchOptions launch;
  bool exec = false;
  bool no_tag = false;
  double grace_seconds = 30;
  std::vector<std::string> command;

  int run(std::vector<std::string> args) {
    if (!args.empty() && args.front() == "--") args.erase(args.begin());
    launch.command = std::move(args);
    if (!exec && !launch.command.empty()) launch.command.insert(launch.command.begin(), dist::self_executable());
    launch.tag_output = !no_tag;
    launch.grace = std::chrono::milliseconds(static_cast<int64_t>(grace_seconds * 1000));
    dist::LocalLaunchResult r = dist::launch_local(launch);
    if (r.exit_code != 0) MPT_LOG(Error, "launch failed: {}", r.failure);
    return r.exit_code;
  }
};

}  // namespace

Action attach_launch(CLI::App& app) {
  auto cmd = std::make_shared<LaunchFlags>();
  app.description(
      "Start N ranks of an mpt-eval command on this machine with torchrun's variables set "
      "(RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT), like `torchrun --standalone "
      "--nproc-per-node N`. Example: mpt-eval launch --nproc 8 -- run --model ckpt --tasks tasks.yaml. "
      "Output lines are tagged [rank N]; signals are forwarded; when a rank fails the others are "
      "stopped and the exit code is the failed rank's (1 when it was killed).");
  app.add_option("--nproc", cmd->launch.nproc, "number of ranks to start")->required()->check(positive());
  app.add_option("--master-port", cmd->launch.master_port, "TCP port of the job's store (0 = a free port)");
  app.add_flag("--exec", cmd->exec, "the command is a program to run, not mpt-eval arguments");
  app.add_flag("--no-tag", cmd->no_tag, "do not prefix output lines with [rank N]");
  app.add_option("--grace", cmd->grace_seconds,
                 "seconds the other ranks get to stop by themselves after one fails, before SIGTERM (and SIGKILL as long again)")
      ->check(at_least(0));
  app.add_option("command", cmd->command, "the command each rank runs (after --)")->required();
  return [cmd] { return cmd->run(cmd->command); };
}

}  // namespace mpt::cli
