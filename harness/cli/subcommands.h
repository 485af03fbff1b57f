// attach functions of the implemented subcommands, one per cmd_<name>.cpp (see command.h).
#pragma once

#include "harness/cli/command.h"

namespace mpt::cli {

Action attach_init(CLI::App& app);      // cmd_init.cpp
Action attach_logits(CLI::App& app);    // cmd_logits.cpp
Action attach_generate(CLI::App& app);  // cmd_generate.cpp

}  // namespace mpt::cli
