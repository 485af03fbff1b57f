#include <memory>
#include <string>

#include "common/build_info.h"
#include "common/error.h"
#include "common/log.h"
#include "harness/cli/command.h"
#include "models/torch_info.h"

namespace mpt::cli {
namespace {

constexpr const char* kFooter = R"(Exit codes:
  0  success
  1  runtime failure (I/O error, crashed worker, failed rank, ...)
  2  bad input or usage (malformed file, missing key, unknown option, ...)
  3  regression detected (mpt-eval check)

Run 'mpt-eval <command> --help' for a command's options and their defaults.)";

std::string version_text() {
  const BuildInfo& b = build_info();
  TorchInfo t = torch_info();
  std::string s = "mpt-eval " + b.version + " (git " + b.git_revision + ")\n";
  s += "libtorch " + t.version + (b.torch_has_cuda ? " with CUDA" : " (CPU only)") + "\n";
  s += "CUDA kernels: " + std::string(b.cuda_kernels ? "compiled" : "not compiled") + "\n";
  s += "CUDA available: " + std::string(t.cuda_available ? "yes, " + std::to_string(t.cuda_device_count) + " device(s)" : "no");
  return s;
}

}  // namespace

void build_cli(CLI::App& app, Action& action) {
  app.description("mpt-eval: evaluation harness for MPT language models (ICL tasks, HumanEval, reports).");
  app.footer(kFooter);
  app.option_defaults()->always_capture_default();
  app.set_version_flag("--version", version_text, "print version, git revision, libtorch and CUDA facts");
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

  for (const Command& c : commands()) {
    CLI::App* sub = app.add_subcommand(c.name, c.summary);
    Action a = c.attach(*sub);
    sub->callback([&action, a] { action = a; });
  }
}

}  // namespace mpt::cli
