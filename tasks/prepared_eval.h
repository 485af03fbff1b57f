// An evaluation turned into model requests (prepared once, reusable: the live-evaluation hook
// re-runs the same PreparedEval at every training step), and the scoring of the responses.
//
// Token sequences follow LLM Foundry's tokenize_example:
//   preamble ids = encode_with_special_tokens(preamble), minus a trailing EOS when there are at
//   least two ids (_fix_eos_on_preamble); every other piece = encode(piece); pieces are
//   tokenized separately and concatenated. The context (preamble ids + context ids) is cut from
//   the LEFT to max_seq_len - len(continuation) (trim_context); generation prompts to
//   max_seq_len - max_answer_length.
//
//   LM            1 loglikelihood request  {context, continuation}
//   multiple choice one per choice          {context, choice_i}
//   schema        one per context option    {preamble + context_i, continuation}
//   generation    1 generate request        {prompt, max_new_tokens, stop = early_stopping_criteria}
//
// Generation budget (LLM Foundry): max_new_tokens = generation_kwargs.max_new_tokens, else
// max(max_answer_length, 1), where max_answer_length is the longest encode_with_special_tokens
// of (raw chain_of_thought + cot_delimiter +) any raw answer or alias over the WHOLE evaluation
// (all rows, not only --limit's), plus 10 when cot_delimiter is non-empty.
#pragma once

#include <cstdint>
#include <vector>

#include "tasks/eval_spec.h"
#include "tasks/example_result.h"
#include "tasks/prompt_builder.h"
#include "tasks/requests.h"
#include "tasks/tokenizer_interface.h"

namespace mpt {

struct PrepareOptions {
  int64_t limit = -1;                 // only the first `limit` examples (-1: all)
  int64_t default_max_seq_len = 2048; // used when the task sets no max_seq_len (pass the model's)
};

struct PreparedExample {
  ExamplePrompt prompt;
  size_t first_request = 0;  // into loglikelihood_requests, or generate_requests for generation
  size_t num_requests = 0;
};

struct EvalResponses {
  std::vector<LoglikelihoodResponse> loglikelihood;  // one per loglikelihood request, same order
  std::vector<GenerateResponse> generate;            // one per generate request, same order
};

struct PreparedEval {
  EvalSpec spec;
  int64_t max_seq_len = 0;
  int64_t max_answer_length = 0;  // generation only
  bool prefix_space = true;
  std::vector<PreparedExample> examples;
  std::vector<LoglikelihoodRequest> loglikelihood_requests;
  std::vector<GenerateRequest> generate_requests;

  // Per-example results, in example order. Throws mpt::Error (Runtime) when the response counts
  // do not match the requests.
  std::vector<ExampleResult> score(const EvalResponses& responses) const;
  // One example's result, from responses where at least that example's requests are answered (the
  // others may still be empty): for scoring examples as their answers arrive.
  ExampleResult score_one(size_t example, const EvalResponses& responses) const;
};

// Builds the prompts and requests. Throws mpt::Error (Input) naming the example and its data
// line when a continuation (or the longest answer) leaves no room for context in max_seq_len.
PreparedEval prepare_eval(const EvalSpec& spec, const TokenizerInterface& tokenizer, const PrepareOptions& options = {});

}  // namespace mpt
