// The GPT-NeoX tokenizer behind TokenizerInterface, and requests built with it.
#include "backend/neox_tokenizer_adapter.h"

#include <gtest/gtest.h>

#include "tasks/prepared_eval.h"
#include "tasks/task_suite.h"

namespace mpt {
namespace {

TEST(NeoxTokenizerAdapter, PrefixSpaceAndSpecialTokens) {
  NeoxTokenizerAdapter tok(Tokenizer::bundled());
  EXPECT_TRUE(tokenizer_needs_prefix_space(tok));  // " a" is one BPE token
  EXPECT_EQ(tok.eos_token_id(), 0);
  EXPECT_EQ(tok.encode_with_special_tokens("Hello world"), tok.encode("Hello world"));  // nothing added
  EXPECT_EQ(tok.decode(tok.encode("Question: x\nAnswer:")), "Question: x\nAnswer:");
}

TEST(NeoxTokenizerAdapter, ArcEasyRequestsKeepPiecesApart) {
  const std::string root = std::string(MPTEVAL_SOURCE_DIR) + "/data/icl";
  TaskSuite s = load_task_suite(root + "/yamls/tasks_v0.3.yaml", root, {{"arc_easy"}});
  NeoxTokenizerAdapter tok(Tokenizer::bundled());
  PreparedEval p = prepare_eval(s.evaluations.at(0), tok, {.limit = 1});
  const PromptPieces& pc = p.examples[0].prompt.pieces;
  Tokens want = tok.encode(pc.preamble);
  Tokens ctx = tok.encode(pc.contexts[0]);
  want.insert(want.end(), ctx.begin(), ctx.end());
  ASSERT_EQ(p.examples[0].num_requests, 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(p.loglikelihood_requests[i].context, want);  // shared by the four choices
    EXPECT_EQ(p.loglikelihood_requests[i].continuation, tok.encode(pc.continuations[i]));
  }
  EXPECT_EQ(want.size(), 115u);
}

}  // namespace
}  // namespace mpt
