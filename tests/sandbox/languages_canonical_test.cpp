// Every problem of LLM Foundry's C++ and JavaScript files, both test forms: pins the counts
// docs/sandbox.md gives, each failing problem named (minutes on two cores: label heavy).
#include "tests/sandbox/score_samples_languages_fixture.h"

namespace mpt::test {
namespace {

TEST_F(ScoreSamplesLanguages, LanguagesCanonicalCountsAndTheirFailures) {
  struct Expect {
    const char* language;
    std::vector<std::string> extra;
    size_t problems;
    std::set<std::string> failing;
  };
  const Expect expectations[] = {
      {"cpp", {}, 161, {}},
      {"js", {}, 164, {"JavaScript/112", "JavaScript/155", "JavaScript/162"}},
      {"cpp", {"--tests", "io"}, 161,
       {"CPP/32", "CPP/38", "CPP/45", "CPP/50", "CPP/71", "CPP/114", "CPP/120", "CPP/139", "CPP/151"}},
      {"js", {"--tests", "io"}, 164,
       {"JavaScript/2", "JavaScript/7", "JavaScript/32", "JavaScript/38", "JavaScript/50", "JavaScript/71",
        "JavaScript/74", "JavaScript/112", "JavaScript/145", "JavaScript/155", "JavaScript/162"}},
  };
  for (const Expect& e : expectations) {
    SCOPED_TRACE(std::string(e.language) + (e.extra.empty() ? "" : " io"));
    std::string path = samples(e.language, std::string("all_") + e.language + ".jsonl", 0);
    json s = score(path, e.language, e.extra);
    EXPECT_EQ(s["samples"], e.problems);
    EXPECT_EQ(failing(path), e.failing);
  }
}

}  // namespace
}  // namespace mpt::test
