#include "common/progress.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/log.h"
#include "common/utf8_check.h"

namespace mpt {
namespace {
constexpr double kPlainInterval = 10.0;  // seconds between plain lines when not on a terminal
std::atomic<int> g_forced_mode{-1};
std::atomic<bool> g_bar_on_screen{false};

bool stderr_is_terminal() {
  int m = g_forced_mode.load();
  if (m >= 0) return m == 1;
  return isatty(STDERR_FILENO) != 0;
}

bool json_lines() { return g_forced_mode.load() == 2; }

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string format_rate(double r) {
  char buf[32];
  if (r >= 100) std::snprintf(buf, sizeof buf, "%.0f", r);
  else if (r >= 10) std::snprintf(buf, sizeof buf, "%.1f", r);
  else std::snprintf(buf, sizeof buf, "%.2f", r);
  return buf;
}
}  // namespace

std::string format_count(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  int k = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (k && k % 3 == 0) out.push_back(',');
    out.push_back(*it);
    ++k;
  }
  if (n < 0) out.push_back('-');
  std::reverse(out.begin(), out.end());
  return out;
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  auto s = static_cast<int64_t>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60), (long long)(s % 60));
  else std::snprintf(buf, sizeof buf, "%lld:%02lld", (long long)(s / 60), (long long)(s % 60));
  return buf;
}

Progress::Progress(std::string label, int64_t total, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total), terminal_(stderr_is_terminal()),
      json_(json_lines()), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::force_mode(int mode) { g_forced_mode.store(mode); }

void Progress::set_mode_by_name(const std::string& name, const std::string& option) {
  if (name == "auto") force_mode(-1);
  else if (name == "plain") force_mode(0);
  else if (name == "bar") force_mode(1);
  else if (name == "json") force_mode(2);
  else throw input_error("unknown progress format", option, "auto, bar, plain or json", quote_excerpt(name));
}

std::string Progress::status_json(double elapsed, bool finished) const {
  const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0.0;
  nlohmann::json j = {{"progress", label_}, {"done", done_}, {"total", nullptr}, {"unit", unit_},
                      {"rate", std::round(rate * 100) / 100}, {"eta_s", nullptr},
                      {"elapsed_s", std::round(elapsed * 10) / 10}, {"finished", finished}};
  if (total_ > 0) j["total"] = total_;
  if (total_ > 0 && rate > 0 && done_ <= total_) j["eta_s"] = std::round(static_cast<double>(total_ - done_) / rate * 10) / 10;
  return dump_json(j);
}

void Progress::clear_terminal_line() {
  if (g_bar_on_screen.exchange(false)) std::fputs("\r\033[2K", stderr);
}

int64_t Progress::done() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return done_;
}

void Progress::advance(int64_t n) {
  std::lock_guard<std::mutex> lock(mutex_);
  done_ += n;
  maybe_draw(false);
}

std::string Progress::status_line(double elapsed) const {
  std::string s = label_;
  double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0.0;
  if (total_ > 0) {
    double frac = std::clamp(static_cast<double>(done_) / static_cast<double>(total_), 0.0, 1.0);
    if (terminal_) {
      constexpr int kWidth = 20;
      int filled = static_cast<int>(frac * kWidth);
      s += "  [" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "]";
    }
    char pct[16];
    std::snprintf(pct, sizeof pct, "  %3d%%", static_cast<int>(frac * 100));
    s += pct;
    s += "  " + format_count(done_) + "/" + format_count(total_) + " " + unit_;
  } else {
    s += "  " + format_count(done_) + " " + unit_;
  }
  s += "  " + format_rate(rate) + " " + unit_ + "/s";
  if (total_ > 0 && rate > 0 && done_ < total_) {
    s += "  ETA " + format_duration(static_cast<double>(total_ - done_) / rate);
  }
  return s;
}

void Progress::maybe_draw(bool force) {
  if (!log::enabled(log::Level::Info)) return;
  auto now = std::chrono::steady_clock::now();
  double since = std::chrono::duration<double>(now - last_draw_).count();
  double interval = json_ ? 1.0 : terminal_ ? 0.1 : kPlainInterval;
  if (!force && since < interval) return;
  last_draw_ = now;
  if (json_) {
    std::fprintf(stderr, "%s\n", status_json(seconds_since(start_), false).c_str());
    std::fflush(stderr);
    return;
  }
  std::string line = status_line(seconds_since(start_));
  if (terminal_) {
    std::fprintf(stderr, "\r\033[2K%s", line.c_str());
    g_bar_on_screen.store(true);
  } else {
    std::fprintf(stderr, "[mpt-eval] %s\n", line.c_str());
  }
  std::fflush(stderr);
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  finished_ = true;
  if (!log::enabled(log::Level::Info)) return;
  double elapsed = seconds_since(start_);
  if (json_) {
    std::fprintf(stderr, "%s\n", status_json(elapsed, true).c_str());
    std::fflush(stderr);
    return;
  }
  if (terminal_) clear_terminal_line();
  double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0.0;
  std::fprintf(stderr, "[mpt-eval] %s done: %s %s in %.1f s (%s %s/s)\n", label_.c_str(),
               format_count(done_).c_str(), unit_.c_str(), elapsed, format_rate(rate).c_str(), unit_.c_str());
  std::fflush(stderr);
}

}  // namespace mpt
