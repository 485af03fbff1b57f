// mpt-eval-torch: every command, the model ones included (libtorch is loaded at start). Users run
// `mpt-eval`, which hands it the command lines that need a model (see command.h).
#include <string>

#include "common/build_info.h"
#include "harness/cli/command.h"
#include "models/torch_info.h"

namespace {

std::string version_text() {
  const mpt::BuildInfo& b = mpt::build_info();
  mpt::TorchInfo t = mpt::torch_info();
  std::string s = "mpt-eval " + b.version + " (git " + b.git_revision + ")\n";
  s += "libtorch " + t.version + (b.torch_has_cuda ? " with CUDA" : " (CPU only)") + "\n";
  s += "nvcc toolchain check: " + std::string(b.cuda_kernels ? "compiled" : "not compiled") + "\n";
  s += "CUDA available: " + std::string(t.cuda_available ? "yes, " + std::to_string(t.cuda_device_count) + " device(s)" : "no");
  return s;
}

}  // namespace

int main(int argc, char** argv) { return mpt::cli::run_cli(argc, argv, mpt::cli::commands(), version_text); }
