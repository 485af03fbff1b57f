#include "tasks/kinds/context_tokens.h"

#include "common/error.h"

namespace mpt {

Tokens concat(Tokens a, const Tokens& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Tokens trim_context(Tokens context, size_t continuation_len, int64_t max_seq_len, const std::string& where) {
  const auto max = static_cast<size_t>(max_seq_len);
  if (context.size() + continuation_len <= max) return context;
  if (continuation_len >= max)
    throw input_error("continuation does not fit in max_seq_len", where,
                      "fewer than " + std::to_string(max) + " continuation tokens (room for context)",
                      std::to_string(continuation_len));
  context.erase(context.begin(), context.end() - static_cast<std::ptrdiff_t>(max - continuation_len));
  return context;
}

}  // namespace mpt
