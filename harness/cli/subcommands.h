// attach functions of the implemented subcommands, one per cmd_<name>.cpp (see command.h).
#pragma once

#include "harness/cli/command.h"

namespace mpt::cli {

Action attach_tokenize(CLI::App& app);  // cmd_tokenize.cpp

}  // namespace mpt::cli
