#include "sandbox/program.h"

namespace mpt::sandbox {

const char* checking_name(Checking c) { return c == Checking::SplitProcess ? "split-process" : "in-process"; }

std::optional<Checking> parse_checking(const std::string& name) {
  if (name == "split-process") return Checking::SplitProcess;
  if (name == "in-process") return Checking::InProcess;
  return std::nullopt;
}

}  // namespace mpt::sandbox
