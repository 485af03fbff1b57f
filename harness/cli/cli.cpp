#include <algorithm>
#include <cstdio>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/interrupt.h"
#include "common/log.h"
#include "harness/cli/command.h"

namespace mpt::cli {
namespace {

constexpr const char* kFooter = R"(Exit codes:
  0  success
  1  runtime failure (I/O error, crashed worker, failed rank, ...)
  2  bad input or usage (malformed file, missing key, unknown option, ...)
  3  regression detected (mpt-eval check)

Run 'mpt-eval <command> --help' for a command's options and their defaults.)";

// CLI11 would only say "a subcommand is required" for a misspelt one, so name it and suggest the
// closest command.
int reject_unknown_command(int argc, char** argv, std::span<const Command> table) {
  std::string a = subcommand_of(argc, argv);
  if (a.empty() || find_command(table, a)) return 0;
  std::string closest;
  size_t best = 3;  // suggest only near misses
  for (const Command& c : table) {
    size_t d = edit_distance(a, c.name);
    if (d < best) best = d, closest = c.name;
  }
  std::fprintf(stderr, "error: unknown command '%s'%s\nRun 'mpt-eval --help' for the list of commands.\n",
               a.c_str(), closest.empty() ? "" : (" (did you mean '" + closest + "'?)").c_str());
  return kExitInput;
}

}  // namespace

const Command* find_command(std::span<const Command> table, const std::string& name) {
  for (const Command& c : table)
    if (name == c.name) return &c;
  return nullptr;
}

std::string subcommand_of(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (argv[i][0] != '-') return argv[i];
  return "";
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

void build_cli(CLI::App& app, Action& action, std::span<const Command> table, const VersionFn& version) {
  app.description("mpt-eval: evaluation harness for MPT language models (ICL tasks, HumanEval, reports).");
  app.footer(kFooter);
  app.option_defaults()->always_capture_default();
  if (version) app.set_version_flag("--version", version, "print version, git revision, libtorch and CUDA facts");
  app.require_subcommand(1, 1);
  app.fallthrough();

  auto verbose = std::make_shared<bool>(false);
  auto quiet = std::make_shared<bool>(false);
  auto* v = app.add_flag("-v,--verbose", *verbose, "log debug detail to stderr");
  app.add_flag("-q,--quiet", *quiet, "only log warnings and errors (no progress)")->excludes(v);
  app.parse_complete_callback([verbose, quiet] {
    if (*verbose) log::set_level(log::Level::Debug);
    if (*quiet) log::set_level(log::Level::Warn);
  });

  for (const Command& c : table) {
    CLI::App* sub = app.add_subcommand(c.name, c.summary);
    Action a = c.attach(*sub);
    sub->callback([&action, a] { action = a; });
  }
}

int run_cli(int argc, char** argv, std::span<const Command> table, const VersionFn& version) {
  CLI::App app{"mpt-eval", "mpt-eval"};
  Action action;
  if (int rc = reject_unknown_command(argc, argv, table)) return rc;
  try {
    build_cli(app, action, table, version);
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
    return kExitInput;
  } catch (const CLI::ExtrasError& e) {
    std::string first = e.what();
    std::fprintf(stderr, "error: unknown command or argument: %s\nRun 'mpt-eval --help' for the list of commands.\n",
                 first.c_str());
    return kExitInput;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "error: %s\nRun 'mpt-eval --help' (or 'mpt-eval <command> --help') for usage.\n", e.what());
    return kExitInput;
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return exit_code(e.kind());
  }
  try {
    return action ? action() : kExitOk;
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    if (e.kind() == ErrorKind::Interrupted) return interrupted_exit_code();
    return exit_code(e.kind());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "error: out of memory\n");
    return kExitRuntime;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return kExitRuntime;
  }
}

}  // namespace mpt::cli
