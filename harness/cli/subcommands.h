// attach functions of the implemented subcommands, one per cmd_<name>.cpp (see command.h).
#pragma once

#include "harness/cli/command.h"

namespace mpt::cli {

Action attach_report(CLI::App& app);   // cmd_report.cpp
Action attach_compare(CLI::App& app);  // cmd_compare.cpp
Action attach_check(CLI::App& app);    // cmd_check.cpp
Action attach_tokenize(CLI::App& app);  // cmd_tokenize.cpp
Action attach_score_samples(CLI::App& app);  // cmd_score_samples.cpp
Action attach_prompts(CLI::App& app);   // cmd_prompts.cpp
Action attach_init(CLI::App& app);      // cmd_init.cpp
Action attach_logits(CLI::App& app);    // cmd_logits.cpp
Action attach_generate(CLI::App& app);  // cmd_generate.cpp
Action attach_launch(CLI::App& app);    // cmd_launch.cpp
Action attach_run(CLI::App& app);       // cmd_run.cpp
Action attach_bench(CLI::App& app);     // cmd_bench.cpp
Action attach_watch(CLI::App& app);     // cmd_watch.cpp

}  // namespace mpt::cli
