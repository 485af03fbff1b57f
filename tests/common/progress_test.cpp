#include "common/progress.h"

#include <gtest/gtest.h>

#include "common/log.h"

namespace mpt {

TEST(Progress, Formatting) {
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(1234567), "1,234,567");
  EXPECT_EQ(format_count(-1000), "-1,000");
  EXPECT_EQ(format_duration(5), "0:05");
  EXPECT_EQ(format_duration(3723), "1:02:03");
}

TEST(Progress, PlainStatusLineHasRateAndEta) {
  Progress::force_mode(0);
  log::set_level(log::Level::Warn);  // keep the test's output clean
  Progress p("scoring", 200, "req");
  p.advance(50);
  // 50 done in 10 s: 5 req/s, 150 left: 30 s.
  EXPECT_EQ(p.status_line(10.0), "scoring   25%  50/200 req  5.00 req/s  ETA 0:30");
  p.finish();
  log::set_level(log::Level::Info);
  Progress::force_mode(-1);
}

TEST(Progress, TerminalLineHasBar) {
  Progress::force_mode(1);
  log::set_level(log::Level::Warn);
  Progress p("load", 10, "tensors");
  p.advance(5);
  EXPECT_NE(p.status_line(1.0).find("[##########..........]"), std::string::npos);
  p.finish();
  log::set_level(log::Level::Info);
  Progress::force_mode(-1);
}

}  // namespace mpt
