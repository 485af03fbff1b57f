#include "common/progress.h"

#include <gtest/gtest.h>

#include "common/error.h"
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

TEST(Progress, JsonLinesForWrappersAndDashboards) {
  Progress::force_mode(2);
  log::set_level(log::Level::Warn);
  Progress p("scoring", 200, "req");
  p.advance(50);
  // 50 done in 10 s: 5 req/s, 150 left: 30 s.
  EXPECT_EQ(p.status_json(10.0, false),
            R"({"done":50,"elapsed_s":10.0,"eta_s":30.0,"finished":false,"progress":"scoring","rate":5.0,"total":200,"unit":"req"})");
  Progress unknown("generating", 0, "seq");
  unknown.advance(3);
  EXPECT_EQ(unknown.status_json(2.0, true),
            R"({"done":3,"elapsed_s":2.0,"eta_s":null,"finished":true,"progress":"generating","rate":1.5,"total":null,"unit":"seq"})");
  p.finish();
  unknown.finish();
  EXPECT_THROW(Progress::set_mode_by_name("fancy", "--progress"), Error);
  log::set_level(log::Level::Info);
  Progress::force_mode(-1);
}

}  // namespace mpt
