#include "tasks/requests.h"

#include <gtest/gtest.h>

#include <string>

namespace mpt {

TEST(Requests, FinishReasonNames) {
  EXPECT_STREQ(to_string(FinishReason::Length), "length");
  EXPECT_STREQ(to_string(FinishReason::Stop), "stop");
  EXPECT_STREQ(to_string(FinishReason::Eos), "eos");
}

TEST(Requests, EmptyContinuationDefaults) {
  LoglikelihoodResponse r;
  EXPECT_EQ(r.logprob, 0.0);
  EXPECT_TRUE(r.greedy);
  EXPECT_EQ(r.num_tokens, 0);
  SamplingParams s;
  EXPECT_EQ(s.temperature, 0.0);  // greedy unless asked otherwise
  EXPECT_EQ(s.top_p, 1.0);
}

}  // namespace mpt
