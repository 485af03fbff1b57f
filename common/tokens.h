// Token ids, the one vocabulary every room shares: the tokenizer produces them, tasks put them in
// requests, the model consumes them. They live here so that neither the tokenizer nor the model
// has to know about tasks to name them.
#pragma once

#include <cstdint>
#include <vector>

namespace mpt {

using TokenId = int32_t;
using Tokens = std::vector<TokenId>;

}  // namespace mpt
