// The HTML report in a real browser: headless Chromium loads the file, runs its script, and we
// check the DOM it ends with (stored numbers in the tables, sorting applied, chart elements) and a
// screenshot (the bars' colours are on screen, so the SVG charts were drawn). The screenshot is
// kept as a test artifact: <build>/test-artifacts/browser_report.png.
// Skipped, with a message, when Chromium is not installed ($MPTEVAL_CHROMIUM overrides the path).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "reports/comparison_table.h"
#include "tests/cli/run_command.h"
#include "tests/reports/png_reader.h"
#include "tests/results/child_process.h"
#include "tests/results/run_builder.h"

using namespace mpt;
namespace fs = std::filesystem;

namespace {

std::string chromium_path() {
  const char* env = std::getenv("MPTEVAL_CHROMIUM");
  return env && *env ? env : "/usr/bin/chromium";
}

// Runs headless Chromium with the flags that keep it off the network and out of the user's profile.
test::ChildResult chromium(const std::vector<std::string>& extra, const std::string& url) {
  std::vector<std::string> argv{chromium_path(),           "--headless",
                                "--no-sandbox",            "--disable-gpu",
                                "--disable-quic",          "--no-first-run",
                                "--disable-background-networking", "--disable-component-update",
                                "--disable-sync",          "--hide-scrollbars",
                                "--user-data-dir=" + test::temp_dir("chromium-profile")};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(url);
  bool timed_out = false;
  test::ChildResult r = test::wait_for(test::spawn(argv), 120.0, &timed_out);
  EXPECT_FALSE(timed_out) << "chromium did not finish in 120 s: " << r.err;
  return r;
}

// The text between the first `start` marker and the next `end` marker after it.
std::string section(const std::string& s, const std::string& start, const std::string& end) {
  size_t a = s.find(start);
  if (a == std::string::npos) return "";
  size_t b = s.find(end, a);
  return s.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

size_t count_of(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

TEST(Browser, HtmlReportRendersInHeadlessChromium) {
  if (access(chromium_path().c_str(), X_OK) != 0)
    GTEST_SKIP() << "chromium not found at " << chromium_path()
                 << " (install the Debian package 'chromium', as scripts/bootstrap does, or set MPTEVAL_CHROMIUM)";
  std::string artifacts = MPTEVAL_TEST_ARTIFACTS;
  fs::create_directories(artifacts);
  std::string db = test::temp_dir("browser") + "/r.db";
  {
    results::Store store = results::Store::open(db);
    for (int k = 0; k < 3; ++k)
      test::add_run(store, {"mpt-test", 1000 * (k + 1), fmt::format("h{}", k),
                            {{"arc_easy/0-shot", test::scores_with(200, 50 + 10 * k)},
                             {"lambada/0-shot", test::scores_with(200, 80 + 20 * k)},
                             {"piqa/0-shot", test::scores_with(100, 60 + 5 * k)}},
                            {{"world_knowledge", 0.2 + 0.1 * k, false}, {"average", 0.3 + 0.05 * k, false}},
                            true});
  }
  std::string html = artifacts + "/browser_report.html";
  auto report = test::run_mpt_eval({"report", "--db", db, "--format", "html", "--out", html});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  std::string url = fmt::format("file://{}", fs::absolute(html).string());

  // 1. The DOM after the script ran, opened sorted by the first run's column, descending.
  test::ChildResult dom = chromium({"--dump-dom"}, url + "#sort=tasks-table:2:desc");
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  std::string tasks = section(dom.out, "id=\"tasks-table\"", "</table>");
  ASSERT_FALSE(tasks.empty()) << dom.out.substr(0, 2000);
  EXPECT_NE(tasks.find("js-sortable"), std::string::npos) << "the script did not run";
  EXPECT_EQ(count_of(tasks, "aria-sort=\"descending\""), 1u);
  // The stored numbers (first run: piqa 60/100, lambada 80/200, arc_easy 50/200, sorted 60 > 40 > 25;
  // third run: piqa 70/100, arc_easy 70/200), with sample standard errors.
  size_t piqa = tasks.find("piqa/0-shot"), lambada = tasks.find("lambada/0-shot"), arc = tasks.find("arc_easy/0-shot");
  EXPECT_LT(piqa, lambada);
  EXPECT_LT(lambada, arc);
  for (const char* cell : {"60.0 ± 4.9", "40.0 ± 3.5", "25.0 ± 3.1", "70.0 ± 4.6", "35.0 ± 3.4"})
    EXPECT_NE(tasks.find(cell), std::string::npos) << cell;
  std::string gauntlet = section(dom.out, "id=\"gauntlet-table\"", "</table>");
  EXPECT_NE(gauntlet.find("40.0"), std::string::npos);  // world_knowledge of the third run
  EXPECT_EQ(count_of(dom.out, "class=\"bar\""), 3u * (3 + 2));
  EXPECT_EQ(count_of(dom.out, "class=\"trend-line\""), 3u + 2u);

  // 2. A screenshot: the charts' bar colours must be on screen in quantity.
  std::string png = artifacts + "/browser_report.png";
  fs::remove(png);
  test::ChildResult shot = chromium({"--screenshot=" + png, "--window-size=1280,2400"}, url);
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  ASSERT_TRUE(fs::exists(png)) << shot.err;
  test::Image img = test::read_png(png);
  EXPECT_EQ(img.width, 1280);
  for (size_t run = 0; run < 3; ++run) {
    std::string hex = reports::run_color(run);  // "#rrggbb"
    auto channel = [&](int i) { return static_cast<uint8_t>(std::stoi(hex.substr(1 + 2 * i, 2), nullptr, 16)); };
    int64_t pixels = test::count_color(img, channel(0), channel(1), channel(2));
    // Five bars per run, each at least ~20 px wide and tens of px tall: thousands of pixels.
    EXPECT_GT(pixels, 2000) << "run " << run << " colour " << hex << " barely on screen: charts not drawn?";
  }
  std::printf("browser test screenshot: %s\nbrowser test report: %s\n", png.c_str(), html.c_str());
}
