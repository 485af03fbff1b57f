#include <string>
#include <vector>

#include "common/error.h"
#include "harness/cli/command.h"
#include "harness/cli/subcommands.h"

namespace mpt::cli {

// The commands that load a model (only mpt-eval-torch has them).
static const Command kModelCommands[] = {
    {"run", "evaluate a checkpoint on ICL tasks and HumanEval; results go to the store", attach_run},
    {"init", "write a random-weight MPT checkpoint (tests, demos, benchmarks)", attach_init},
    {"logits", "print a checkpoint's logits for given token ids as JSON", attach_logits},
    {"generate", "generate tokens from a checkpoint", attach_generate},
    {"launch", "start N local ranks of a command (like torchrun --standalone)", attach_launch},
    {"watch", "evaluate each new checkpoint a trainer writes to a directory", attach_watch},
    {"bench", "benchmark the model on a standard synthetic workload", attach_bench},
};

// The one table of subcommands, in `--help` order. Keep summaries short: `mpt-eval <cmd> --help`
// has the details.
std::span<const Command> commands() {
  static const std::vector<Command> all = [] {
    const char* order[] = {"run",    "prompts", "tokenize", "init",  "logits", "generate", "score-samples",
                           "report", "compare", "check",    "launch", "watch", "bench"};
    std::vector<Command> v;
    for (const char* name : order) {
      const Command* c = find_command(light_commands(), name);
      if (!c) c = find_command(kModelCommands, name);
      if (!c) throw runtime_error("internal error: a command missing from the tables", name, "", "");
      v.push_back(*c);
    }
    if (v.size() != light_commands().size() + std::size(kModelCommands))
      throw runtime_error("internal error: the command order misses a command", "commands.cpp", "", "");
    return v;
  }();
  return all;
}

}  // namespace mpt::cli
