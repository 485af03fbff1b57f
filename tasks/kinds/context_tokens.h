// Token sequences of requests, the way LLM Foundry's tokenize_example and trim_context build
// them, for the kinds' make_requests (see prepared_eval.h for the rules).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "tasks/requests.h"

namespace mpt {

// `a` followed by `b` (pieces are tokenized separately and their ids concatenated).
Tokens concat(Tokens a, const Tokens& b);

// LLM Foundry's trim_context: `context` cut from the LEFT so that it and `continuation_len` tokens
// fit in max_seq_len. Python's context[-0:] keeps the WHOLE context when the continuation exactly
// fills max_seq_len; that yields an over-long sequence, so it is an mpt::Error (Input) naming
// `where` here, as is any continuation that leaves no room.
Tokens trim_context(Tokens context, size_t continuation_len, int64_t max_seq_len, const std::string& where);

}  // namespace mpt
