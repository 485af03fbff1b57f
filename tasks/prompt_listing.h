// What `mpt-eval prompts` prints: one evaluation picked from a task suite, and a readable listing
// of its examples' pieces (exact strings, JSON-escaped so that whitespace is visible) with the
// token counts the model sees after truncation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tasks/prepared_eval.h"
#include "tasks/task_suite.h"
#include "tasks/tokenizer_interface.h"

namespace mpt {

// The one evaluation `selector` names (see label_matches: "svamp" works when svamp has a single
// num_fewshot; "jeopardy/science" names a category when jeopardy has a single num_fewshot). Throws mpt::Error (Input) when it matches none (listing the labels), several
// (listing them), a task whose data file is missing, or a code_evaluation task.
const EvalSpec& select_one_evaluation(const TaskSuite& suite, const std::string& selector);

// The listing of `indices` (each < eval.examples.size()). With show_token_ids, each request's
// token ids are printed too.
std::string format_prompt_listing(const PreparedEval& eval, const std::vector<int64_t>& indices,
                                  const TokenizerInterface& tokenizer, bool show_token_ids);

}  // namespace mpt
