// The subcommand tables of `mpt-eval` and the shared entry point.
//
// Each subcommand lives in its own cmd_<name>.cpp with one struct of its parsed flags, `<Name>Flags`
// (the libraries it calls take `...Options` structs). Its `attach` function
// declares the options on the CLI11 sub-app (every option with a help text and its default) and
// returns the action to run after parsing. The action returns an exit code or throws mpt::Error;
// run_cli() maps errors to exit codes (see common/error.h).
//
// Two executables share this front end: `mpt-eval` (front_main.cpp) runs the commands that need no
// model in-process (light_commands(): no libtorch is loaded, which saves most of a second per start)
// and hands every other command line, unchanged, to `mpt-eval-torch` beside it (main.cpp), which
// has every command (commands()).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <span>
#include <string>

namespace mpt::cli {

using Action = std::function<int()>;
using AttachFn = Action (*)(CLI::App& app);

struct Command {
  const char* name;
  const char* summary;  // one line for `mpt-eval --help`
  AttachFn attach;
};

// The commands that load no model and link no libtorch (prompts, tokenize, score-samples, report,
// compare, check), in `--help` order.
std::span<const Command> light_commands();

// Every subcommand, in the order `mpt-eval --help` lists them (only in mpt-eval-torch).
std::span<const Command> commands();

// The command named `name` in `table`, or nullptr.
const Command* find_command(std::span<const Command> table, const std::string& name);

// The subcommand a command line names: its first argument that is not an option (the root has only
// flags, so no option value can come first); empty when there is none.
std::string subcommand_of(int argc, char** argv);

// Levenshtein distance, for "did you mean" suggestions.
size_t edit_distance(const std::string& a, const std::string& b);

// The text of `--version`; null where the executable leaves --version to another.
using VersionFn = std::function<std::string()>;

// Builds the CLI (root options, the subcommands of `table`). `action` receives the selected
// subcommand's action after a successful parse.
void build_cli(CLI::App& app, Action& action, std::span<const Command> table, const VersionFn& version);

// Parses the command line against `table`, runs the selected command and maps errors to exit codes.
int run_cli(int argc, char** argv, std::span<const Command> table, const VersionFn& version);

}  // namespace mpt::cli
