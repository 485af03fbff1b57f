#include "harness/cli/command.h"

#include <algorithm>
#include <vector>

#include "common/error.h"
#include "harness/cli/subcommands.h"

namespace mpt::cli {

// The one table of subcommands. Keep summaries short: `mpt-eval <cmd> --help` has the details.
static const Command kCommands[] = {
    {"run", "evaluate a checkpoint on ICL tasks and HumanEval; results go to the store", attach_run},
    {"prompts", "print the exact prompt pieces a task gives the model", attach_prompts},
    {"tokenize", "encode text to GPT-NeoX token ids, or decode ids to text", attach_tokenize},
    {"init", "write a random-weight MPT checkpoint (tests, demos, benchmarks)", attach_init},
    {"logits", "print a checkpoint's logits for given token ids as JSON", attach_logits},
    {"generate", "generate tokens from a checkpoint", attach_generate},
    {"score-samples", "run HumanEval completions in the sandbox and report pass@k", attach_score_samples},
    {"report", "render stored results as CSV, Markdown, HTML or JSON", attach_report},
    {"compare", "compare two runs task by task, with paired significance tests", attach_compare},
    {"check", "CI regression check of a candidate run against a baseline", attach_check},
    {"launch", "start N local ranks of a command (like torchrun --standalone)", attach_launch},
    {"watch", "evaluate each new checkpoint a trainer writes to a directory", attach_watch},
    {"bench", "benchmark the model on a standard synthetic workload", attach_bench},
};

std::span<const Command> commands() { return kCommands; }

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace mpt::cli
