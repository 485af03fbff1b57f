// mpt-eval generate: generate tokens from a checkpoint (models/generation.h) and show them as ids
// and text (the checkpoint's tokenizer.json, else the bundled GPT-NeoX-20B tokenizer).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>

#include "common/error.h"
#include "harness/checkpoint_run.h"
#include "harness/cli/model_flags.h"
#include "harness/cli/subcommands.h"
#include "models/generation.h"
#include "models/tokenizer/tokenizer.h"

namespace mpt::cli {
namespace {

struct GenerateFlags {
  ModelFlags model;
  std::string ids_text;
  std::string prompt;
  std::string tokenizer;
  int32_t max_new_tokens = 0;
  SamplingOptions sampling;
  int64_t eos_id = -1;
  bool json = false;

  int run() const {
    Tokenizer tok = Tokenizer::from_file(resolve_tokenizer_path(model.model, tokenizer));
    GenerationJob job;
    if (ids_text.empty() == prompt.empty())
      throw input_error("no prompt", "--ids, --prompt", "exactly one of --ids IDS or --prompt TEXT",
                        ids_text.empty() ? "neither" : "both");
    job.prompt = prompt.empty() ? parse_token_ids(ids_text, "--ids") : tok.encode(prompt);
    if (job.prompt.empty()) throw input_error("empty prompt", "--prompt", "text that encodes to at least one token", "\"\"");
    job.max_new_tokens = max_new_tokens;
    job.sampling = sampling;
    job.sampling.validate("generate options");
    if (eos_id >= 0) job.eos_id = static_cast<int32_t>(eos_id);
    auto m = MptModel::load(model.model, model.options());
    GenerationResult r = generate(*m, {job}).front();
    std::string text = tok.decode(r.tokens);
    if (json) {
      nlohmann::json out = {{"new_ids", r.tokens}, {"text", text}, {"finish_reason", to_string(r.end)}};
      std::printf("%s\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
      return 0;
    }
    std::string ids;
    for (size_t i = 0; i < r.tokens.size(); ++i) ids += fmt::format("{}{}", i ? " " : "", r.tokens[i]);
    std::printf("%s\n%s\n", ids.c_str(), text.c_str());
    return 0;
  }
};

}  // namespace

Action attach_generate(CLI::App& app) {
  auto cmd = std::make_shared<GenerateFlags>();
  app.description(
      "Generate tokens after a prompt (token ids or text) and print the new ids on one line and their text on the "
      "next (or JSON with --json). Greedy by default (ties go to the lowest id); --temperature > 0 samples.");
  add_model_flags(app, cmd->model);
  auto* ids = app.add_option("--ids", cmd->ids_text, "prompt token ids, separated by spaces or commas");
  app.add_option("--prompt", cmd->prompt, "prompt text (encoded with the tokenizer)")->excludes(ids);
  app.add_option("--tokenizer", cmd->tokenizer,
                 "tokenizer.json for --prompt and the text; default: the checkpoint's own, else the bundled GPT-NeoX-20B")
      ->check(CLI::ExistingFile);
  app.add_option("--max-new-tokens", cmd->max_new_tokens, "tokens to generate at most")->required();
  app.add_option("--temperature", cmd->sampling.temperature, "0 = greedy; > 0 samples from softmax(logits / T)");
  app.add_option("--top-k", cmd->sampling.top_k, "sample among the k most likely tokens (0 = all)");
  app.add_option("--top-p", cmd->sampling.top_p, "sample among the most likely tokens holding this probability (1 = all)");
  app.add_option("--seed", cmd->sampling.seed, "seed of the sampler (same seed, same sample)");
  app.add_option("--eos-id", cmd->eos_id, "stop after generating this token id (-1 = never)");
  app.add_flag("--json", cmd->json, "print {\"new_ids\": [...], \"text\": \"...\", \"finish_reason\": \"length|eos\"}");
  return [cmd] { return cmd->run(); };
}

}  // namespace mpt::cli
