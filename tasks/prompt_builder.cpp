#include "tasks/prompt_builder.h"

#include "tasks/fewshot_sampler.h"
#include "tasks/prompt_rules.h"
#include "tasks/task_kind.h"

namespace mpt {

std::vector<ExamplePrompt> build_prompts(const EvalSpec& spec, bool prefix_space, int64_t count) {
  const int64_t n = spec.size();
  if (count < 0 || count > n) count = n;
  const TaskKind& kind = *spec.task->kind;
  const Dataset& data = *spec.dataset;
  PromptRules rules(*spec.task, prefix_space);
  PythonRandom rng(spec.task->fewshot_random_seed);
  std::vector<ExamplePrompt> out;
  out.reserve(static_cast<size_t>(count));
  for (int64_t idx = 0; idx < count; ++idx) {
    ExamplePrompt ex;
    ex.index = idx;
    ex.row = spec.rows[static_cast<size_t>(idx)];
    std::string preamble = spec.task->prompt_string;
    ex.fewshot = fewshot_sample_indices(n, spec.num_fewshot, idx, rng);
    // _generate_few_shot_prompt: each shot is construct_context(shot, preceding, add_answer=True).
    for (int64_t j : ex.fewshot) preamble += kind.shot_text(rules, data, spec.rows[static_cast<size_t>(j)], preamble);
    ex.pieces = kind.test_pieces(rules, data, ex.row, std::move(preamble));
    out.push_back(std::move(ex));
  }
  return out;
}

}  // namespace mpt
