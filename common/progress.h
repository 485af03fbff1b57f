// Progress reporting for long work (scoring, generation, code execution, loading).
//
// On a terminal (stderr is a tty) it draws one self-updating line:
//   scoring  [##########..........]  52%  1,034/2,000 req  211.4 req/s  ETA 0:05
// Otherwise (CI logs, files) it prints a plain line at most every `interval` seconds and once at
// the end, so logs stay readable. Nothing is printed when the log level is above Info (--quiet).
// advance() is thread-safe and cheap (no output unless a redraw is due).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace mpt {

class Progress {
 public:
  // `total` may be 0 when unknown (then no percentage or ETA is shown).
  Progress(std::string label, int64_t total, std::string unit = "it");
  ~Progress();  // calls finish() if it was not called
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(int64_t n = 1);
  void set_total(int64_t total);
  // Prints the final line ("label done: N unit in T s (R unit/s)"). Idempotent.
  void finish();

  int64_t done() const;

  // Seconds between plain lines when not on a terminal (default 10). For tests and CI tuning.
  static void set_plain_interval(double seconds);
  // Forces terminal or plain mode regardless of isatty (tests).
  static void force_mode(int mode);  // -1 auto, 0 plain, 1 terminal
  // Erases a bar drawn on the terminal's current line (the logger calls this before writing).
  static void clear_terminal_line();

  // Formats the status text without printing it; exposed for tests.
  std::string status_line(double elapsed_seconds) const;

 private:
  void maybe_draw(bool force);

  std::string label_;
  std::string unit_;
  int64_t total_;
  int64_t done_ = 0;
  bool finished_ = false;
  bool terminal_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  mutable std::mutex mutex_;
};

// "1,234,567"
std::string format_count(int64_t n);
// "0:05", "1:02:03"
std::string format_duration(double seconds);

}  // namespace mpt
