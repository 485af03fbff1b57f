// The commands that need no model: linked into both executables (see command.h).
#include "harness/cli/command.h"
#include "harness/cli/subcommands.h"

namespace mpt::cli {

static const Command kLightCommands[] = {
    {"prompts", "print the exact prompt pieces a task gives the model", attach_prompts},
    {"tokenize", "encode text to GPT-NeoX token ids, or decode ids to text", attach_tokenize},
    {"score-samples", "run HumanEval completions in the sandbox and report pass@k", attach_score_samples},
    {"report", "render stored results as CSV, Markdown, HTML or JSON", attach_report},
    {"compare", "compare two runs task by task, with paired significance tests", attach_compare},
    {"check", "CI regression check of a candidate run against a baseline", attach_check},
};

std::span<const Command> light_commands() { return kLightCommands; }

}  // namespace mpt::cli
