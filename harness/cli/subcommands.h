// attach functions of the implemented subcommands, one per cmd_<name>.cpp (see command.h).
#pragma once

#include "harness/cli/command.h"

namespace mpt::cli {

Action attach_report(CLI::App& app);   // cmd_report.cpp
Action attach_compare(CLI::App& app);  // cmd_compare.cpp
Action attach_check(CLI::App& app);    // cmd_check.cpp

}  // namespace mpt::cli
