// mpt-eval's entry point: parses the command line, runs one subcommand, maps errors to exit codes.
#include <cstdio>
#include <exception>
#include <string>

#include "common/error.h"
#include "common/interrupt.h"
#include "harness/cli/command.h"

namespace {

// The first argument that is not an option names the subcommand; CLI11 would only say "a
// subcommand is required" for a misspelt one, so name it and suggest the closest command.
int reject_unknown_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (!a.empty() && a[0] == '-') continue;
    std::string closest;
    size_t best = 3;  // suggest only near misses
    for (const auto& c : mpt::cli::commands()) {
      if (a == c.name) return 0;
      size_t d = mpt::cli::edit_distance(a, c.name);
      if (d < best) best = d, closest = c.name;
    }
    std::fprintf(stderr, "error: unknown command '%s'%s\nRun 'mpt-eval --help' for the list of commands.\n",
                 a.c_str(), closest.empty() ? "" : (" (did you mean '" + closest + "'?)").c_str());
    return mpt::kExitInput;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mpt-eval", "mpt-eval"};
  mpt::cli::Action action;
  if (int rc = reject_unknown_command(argc, argv)) return rc;
  try {
    mpt::cli::build_cli(app, action);
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::RequiredError& e) {
    // No subcommand (or a missing required option).
    std::fprintf(stderr, "error: %s\nRun 'mpt-eval --help' for the list of commands.\n", e.what());
    return mpt::kExitInput;
  } catch (const CLI::ExtrasError& e) {
    std::string first = e.what();
    std::fprintf(stderr, "error: unknown command or argument: %s\nRun 'mpt-eval --help' for the list of commands.\n",
                 first.c_str());
    return mpt::kExitInput;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "error: %s\nRun 'mpt-eval --help' (or 'mpt-eval <command> --help') for usage.\n", e.what());
    return mpt::kExitInput;
  } catch (const mpt::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return mpt::exit_code(e.kind());
  }
  try {
    return action ? action() : mpt::kExitOk;
  } catch (const mpt::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    if (e.kind() == mpt::ErrorKind::Interrupted) return mpt::interrupted_exit_code();
    return mpt::exit_code(e.kind());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "error: out of memory\n");
    return mpt::kExitRuntime;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return mpt::kExitRuntime;
  }
}
