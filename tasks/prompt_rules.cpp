#include "tasks/prompt_rules.h"

#include "tasks/python_str.h"

namespace mpt {

std::string PromptRules::construct_context(const std::string& text, const std::string& preceding) const {
  std::string c = task_.prelimiter + text;
  if (!preceding.empty()) c = task_.example_delimiter + c;
  return c + task_.continuation_delimiter;
}

std::string PromptRules::test_context(const std::string& text, const std::string& preamble) const {
  std::string ctx = construct_context(text, preamble);
  return task_.strip_dataset ? py::rstrip(ctx) : ctx;
}

std::string PromptRules::with_prefix_space(const std::string& s) const {
  return (prefix_space_ && !py::startswith(s, " ")) ? " " + s : s;
}

}  // namespace mpt
