// report: CSV columns, Markdown tables, JSON round trip, and the HTML file's structure.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "common/error.h"
#include "reports/json_export.h"
#include "reports/report.h"
#include "results/run_snapshot.h"
#include "tests/cli/run_command.h"
#include "tests/results/run_builder.h"

using namespace mpt;
using namespace mpt::reports;
using mpt::test::add_run;
using mpt::test::scores_with;

namespace {

size_t count_of(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = test::temp_dir("report");
    db = dir + "/r.db";
    results::Store store = results::Store::open(db);
    // Three checkpoints of one training run, with known scores.
    for (int k = 0; k < 3; ++k)
      ids.push_back(add_run(store, {"mpt-test", 1000 * (k + 1), "h" + std::to_string(k),
                                    {{"piqa/0-shot", scores_with(100, 60 + 5 * k)},
                                     {"lambada/0-shot", scores_with(200, 80 + 20 * k)}},
                                    {{"language_understanding", 0.2 + 0.1 * k, k == 0}, {"average", 0.3 + 0.05 * k, false}},
                                    true}));
  }
  std::string dir, db;
  std::vector<int64_t> ids;
};

}  // namespace

TEST_F(ReportTest, CsvHasTheDocumentedColumnsAndOneRowPerMetric) {
  auto r = test::run_mpt_eval({"report", "--db", db, "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  std::string header, line;
  std::getline(in, header);
  EXPECT_EQ(header,
            "run_id,run_label,model_path,model_hash,training_step,dtype,device_class,status,row_kind,name,metric,"
            "is_primary,value,stderr,count,num_examples,stored_examples,partial");
  std::vector<std::string> rows;
  while (std::getline(in, line)) rows.push_back(line);
  EXPECT_EQ(rows.size(), 3u * (2 + 2));  // per run: two task metrics, two gauntlet rows
  EXPECT_EQ(rows[0].substr(0, rows[0].find(",task,")),
            std::to_string(ids[0]) + ",mpt-test,/models/mpt-test,h0,1000,float32,cpu,completed");
  EXPECT_NE(rows[0].find(",task,lambada/0-shot,accuracy,1,0.4,"), std::string::npos) << rows[0];
  EXPECT_NE(r.out.find(",gauntlet,language_understanding,gauntlet_score,1,0.2,,,,,1"), std::string::npos) << r.out;
}

TEST_F(ReportTest, MarkdownShowsScoresPlusMinusStderrPerRun) {
  auto r = test::run_mpt_eval({"report", "--db", db, "--label", "mpt-test"});  // md is the default
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // piqa: 60/100 -> 60.0 ± 4.9 (sample SE sqrt(.24 * 100/99 / 100)), 65 -> 65.0 ± 4.8, 70 -> 70.0 ± 4.6
  EXPECT_NE(r.out.find("| piqa/0-shot | 60.0 ± 4.9 | 65.0 ± 4.8 | 70.0 ± 4.6 |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| language_understanding | 20.0* | 30.0 | 40.0 |"), std::string::npos) << r.out;
  EXPECT_LT(r.out.find("| language_understanding"), r.out.find("| average"));  // the average comes last
  EXPECT_NE(r.out.find("#" + std::to_string(ids[2]) + " mpt-test (step 3000)"), std::string::npos);
}

TEST_F(ReportTest, JsonExportRoundTrips) {
  std::string file = dir + "/all.json";
  auto r = test::run_mpt_eval({"report", "--db", db, "--format", "json", "--out", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  std::vector<results::RunSnapshot> back = parse_export(s.str(), file);
  results::Store store = results::Store::open(db);
  ASSERT_EQ(back.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    results::RunSnapshot orig = results::load_snapshot(store, ids[i]);
    EXPECT_EQ(run_to_json(back[i]), run_to_json(orig));
  }
  EXPECT_THROW(parse_export(R"({"format": "something-else"})", "x.json"), Error);
  EXPECT_THROW(parse_export(R"({"format": "mpt-eval-results", "format_version": 99, "runs": []})", "x.json"), Error);
  try {
    parse_export(R"({"format": "mpt-eval-results", "format_version": 1, "runs": [{"id": 1, "status": "completed",
                    "tasks": [{"label": "t", "metrics": []}]}]})", "x.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("primary_metric"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("runs[0].tasks[0]"), std::string::npos) << e.what();
  }
}

TEST_F(ReportTest, HtmlIsOneSelfContainedFile) {
  std::string file = dir + "/report.html";
  auto r = test::run_mpt_eval({"report", "--db", db, "--format", "html", "--out", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  std::string html = s.str();
  // Nothing is fetched: no stylesheet links, no script or image sources, no URLs but the SVG namespace.
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(count_of(html, "http"), count_of(html, "http://www.w3.org/2000/svg"));
  // Tables, charts, trends, per-example changes.
  for (const char* id : {"runs-table", "tasks-table", "gauntlet-table"})
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  EXPECT_NE(html.find("data-value=\"0.6\">60.0 ± 4.9</td>"), std::string::npos);
  EXPECT_EQ(count_of(html, "<rect class=\"bar\""), 3u * (2 + 2));  // 3 runs × (2 tasks + 2 categories)
  EXPECT_EQ(count_of(html, "class=\"trend-line\""), 2u + 2u);      // one series × (2 categories + 2 tasks)
  EXPECT_NE(html.find("id=\"changes\""), std::string::npos);
  EXPECT_NE(html.find("piqa/0-shot</strong>: 100 paired"), std::string::npos);
}

TEST_F(ReportTest, ErrorsForAMissingDatabaseOrNoRuns) {
  auto missing = test::run_mpt_eval({"report", "--db", dir + "/nope.db"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find(dir + "/nope.db"), std::string::npos) << missing.err;
  std::string empty = dir + "/empty.db";
  results::Store::open(empty);
  auto none = test::run_mpt_eval({"report", "--db", empty});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no completed runs"), std::string::npos) << none.err;
  auto bad = test::run_mpt_eval({"report", "--db", db, "--format", "pdf"});
  EXPECT_EQ(bad.exit_code, 2);
}
