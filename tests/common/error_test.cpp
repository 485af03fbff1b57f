#include "common/error.h"

#include <gtest/gtest.h>

namespace mpt {

TEST(Error, FormatsAllParts) {
  EXPECT_EQ(format_error("missing key 'gold'", "piqa.jsonl:17", "an integer", "no such key"),
            "missing key 'gold' (piqa.jsonl:17): expected an integer, found no such key");
}

TEST(Error, LeavesOutEmptyParts) {
  EXPECT_EQ(format_error("disk full"), "disk full");
  EXPECT_EQ(format_error("bad", "f.json"), "bad (f.json)");
  EXPECT_EQ(format_error("bad", "", "", "7"), "bad: found 7");
}

TEST(Error, KindsMapToDocumentedExitCodes) {
  EXPECT_EQ(exit_code(ErrorKind::Input), 2);
  EXPECT_EQ(exit_code(ErrorKind::Runtime), 1);
  EXPECT_EQ(exit_code(ErrorKind::Regression), 3);
  Error e = input_error("x");
  EXPECT_EQ(e.kind(), ErrorKind::Input);
  EXPECT_EQ(runtime_error("y").kind(), ErrorKind::Runtime);
}

TEST(Error, QuoteExcerptEscapesAndCuts) {
  EXPECT_EQ(quote_excerpt("a\nb\x01"), "\"a\\nb\\x01\"");
  EXPECT_EQ(quote_excerpt("abcdef", 3), "\"abc...\"");
}

}  // namespace mpt
