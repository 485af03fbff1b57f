// Progress reporting for long work (scoring, generation, code execution, loading).
//
// On a terminal (stderr is a tty) it draws one self-updating line:
//   scoring  [##########..........]  52%  1,034/2,000 req  211.4 req/s  ETA 0:05
// Otherwise (CI logs, files) it prints a plain line at most every `interval` seconds and once at
// the end, so logs stay readable. In JSON mode (`run --progress json`, for wrappers and training
// dashboards) it prints one JSON object per line at most every second and once at the end:
//   {"progress":"scoring","done":1034,"total":2000,"unit":"req","rate":211.4,"eta_s":4.6,
//    "elapsed_s":4.9,"finished":false}
// ("total" and "eta_s" are null when unknown). Nothing is printed when the log level is above Info (--quiet).
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
  // Prints the final line ("label done: N unit in T s (R unit/s)"). Idempotent.
  void finish();

  int64_t done() const;

  // Forces terminal or plain mode regardless of isatty (tests), or JSON lines.
  static void force_mode(int mode);  // -1 auto, 0 plain, 1 terminal, 2 JSON lines
  // "auto", "bar", "plain" or "json" (the --progress option); Input error naming `option` otherwise.
  static void set_mode_by_name(const std::string& name, const std::string& option);
  // Erases a bar drawn on the terminal's current line (the logger calls this before writing).
  static void clear_terminal_line();

  // Formats the status text without printing it; exposed for tests.
  std::string status_line(double elapsed_seconds) const;
  std::string status_json(double elapsed_seconds, bool finished) const;

 private:
  void maybe_draw(bool force);

  std::string label_;
  std::string unit_;
  int64_t total_;
  int64_t done_ = 0;
  bool finished_ = false;
  bool terminal_;
  bool json_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  mutable std::mutex mutex_;
};

// "1,234,567"
std::string format_count(int64_t n);
// "0:05", "1:02:03"
std::string format_duration(double seconds);

}  // namespace mpt
