// The string rules every task kind's prompts share (LLM Foundry's InContextLearningDataset base
// methods; names follow them). A kind builds its pieces from these so that the delimiters, the
// stripping and the GPT-2 prefix space are applied the same way for every type.
#pragma once

#include <string>

#include "tasks/task_config.h"

namespace mpt {

class PromptRules {
 public:
  // `prefix_space`: the tokenizer is a GPT-2 style BPE (see tokenizer_needs_prefix_space).
  PromptRules(const TaskConfig& task, bool prefix_space) : task_(task), prefix_space_(prefix_space) {}

  const TaskConfig& task() const { return task_; }

  // The base construct_context without the answer: prelimiter + text + continuation_delimiter,
  // after the example_delimiter when something precedes it.
  std::string construct_context(const std::string& text, const std::string& preceding) const;
  // The test example's context: construct_context after the preamble, rstripped when strip_dataset.
  std::string test_context(const std::string& text, const std::string& preamble) const;
  // A scored continuation: " " + s when the tokenizer needs a prefix space and s has none.
  std::string with_prefix_space(const std::string& s) const;

 private:
  const TaskConfig& task_;
  bool prefix_space_;
};

}  // namespace mpt
