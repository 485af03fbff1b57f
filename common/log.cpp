#include "common/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

#include "common/progress.h"

namespace mpt::log {
namespace {
std::atomic<Level> g_level{Level::Info};
std::mutex g_mutex;
}  // namespace

void set_level(Level l) { g_level.store(l); }
Level level() { return g_level.load(); }

void write(Level l, std::string_view message) {
  static constexpr const char* kWords[] = {"debug: ", "", "warning: ", "error: ", ""};
  std::string line = "[mpt-eval] ";
  line += kWords[static_cast<int>(l)];
  line.append(message.data(), message.size());
  line += '\n';
  std::lock_guard<std::mutex> lock(g_mutex);
  // A progress bar may own the terminal's last line: clear it first, it redraws on its next tick.
  Progress::clear_terminal_line();
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace mpt::log
