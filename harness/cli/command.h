// The subcommand table of `mpt-eval`.
//
// Each subcommand lives in its own cmd_<name>.cpp with one options struct. Its `attach` function
// declares the options on the CLI11 sub-app (every option with a help text and its default) and
// returns the action to run after parsing. The action returns an exit code or throws mpt::Error;
// main() maps errors to exit codes (see common/error.h).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <span>

namespace mpt::cli {

using Action = std::function<int()>;
using AttachFn = Action (*)(CLI::App& app);

struct Command {
  const char* name;
  const char* summary;  // one line for `mpt-eval --help`
  AttachFn attach;
};

// All subcommands, in the order `mpt-eval --help` lists them.
std::span<const Command> commands();

// Levenshtein distance, for "did you mean" suggestions.
size_t edit_distance(const std::string& a, const std::string& b);

// Builds the whole CLI (root options, every subcommand). `action` receives the selected
// subcommand's action after a successful parse.
void build_cli(CLI::App& app, Action& action);

}  // namespace mpt::cli
