#include "common/interrupt.h"

#include <atomic>
#include <csignal>

namespace mpt {
namespace {

std::atomic<int> g_signal{0};

extern "C" void on_interrupt(int sig) {
  int expected = 0;
  if (!g_signal.compare_exchange_strong(expected, sig)) {
    // The second signal: the user insists. Default action, now.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // reads and writes in progress finish; the flag is polled
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int interrupt_signal() { return g_signal.load(std::memory_order_relaxed); }

Error interrupted_error(const std::string& what) {
  const int sig = interrupt_signal();
  const char* name = sig == SIGTERM ? "SIGTERM" : "SIGINT";
  return Error(ErrorKind::Interrupted, std::string("interrupted by ") + name + (what.empty() ? "" : " (" + what + ")"));
}

void throw_if_interrupted(const std::string& what) {
  if (interrupt_signal() != 0) throw interrupted_error(what);
}

int interrupted_exit_code() {
  const int sig = interrupt_signal();
  return 128 + (sig ? sig : SIGINT);
}

void simulate_interrupt(int signal) { g_signal.store(signal); }

}  // namespace mpt
