// attach functions of the implemented subcommands, one per cmd_<name>.cpp (see command.h).
#pragma once

#include "harness/cli/command.h"

namespace mpt::cli {

Action attach_score_samples(CLI::App& app);  // cmd_score_samples.cpp

}  // namespace mpt::cli
