// mpt-eval generate: generate tokens from a checkpoint (models/generation.h).
#include <fmt/format.h>

#include <cstdio>

#include "harness/cli/model_flags.h"
#include "harness/cli/subcommands.h"
#include "models/generation.h"

namespace mpt::cli {
namespace {

struct GenerateCommand {
  ModelFlags model;
  std::string ids_text;
  int32_t max_new_tokens = 0;
  SamplingOptions sampling;
  int64_t eos_id = -1;
  bool json = false;

  int run() const {
    GenerationJob job;
    job.prompt = parse_token_ids(ids_text, "--ids");
    job.max_new_tokens = max_new_tokens;
    job.sampling = sampling;
    job.sampling.validate("generate options");
    if (eos_id >= 0) job.eos_id = static_cast<int32_t>(eos_id);
    auto m = MptModel::load(model.model, model.options());
    GenerationResult r = generate(*m, {job}).front();
    // Token ids only for now: once the tokenizer (models/tokenizer) is linked here, decode r.tokens
    // and print the text too (a "text" field with --json, a second line otherwise).
    std::string ids;
    for (size_t i = 0; i < r.tokens.size(); ++i) ids += fmt::format("{}{}", i ? (json ? ", " : " ") : "", r.tokens[i]);
    if (json) std::printf("{\"new_ids\": [%s], \"finish_reason\": \"%s\"}\n", ids.c_str(), to_string(r.end));
    else std::printf("%s\n", ids.c_str());
    return 0;
  }
};

}  // namespace

Action attach_generate(CLI::App& app) {
  auto cmd = std::make_shared<GenerateCommand>();
  app.description(
      "Generate tokens after a prompt of token ids and print the new ids on one line (or JSON with --json). "
      "Greedy by default (ties go to the lowest id); --temperature > 0 samples.");
  add_model_flags(app, cmd->model);
  app.add_option("--ids", cmd->ids_text, "prompt token ids, separated by spaces or commas")->required();
  app.add_option("--max-new-tokens", cmd->max_new_tokens, "tokens to generate at most")->required();
  app.add_option("--temperature", cmd->sampling.temperature, "0 = greedy; > 0 samples from softmax(logits / T)");
  app.add_option("--top-k", cmd->sampling.top_k, "sample among the k most likely tokens (0 = all)");
  app.add_option("--top-p", cmd->sampling.top_p, "sample among the most likely tokens holding this probability (1 = all)");
  app.add_option("--seed", cmd->sampling.seed, "seed of the sampler (same seed, same sample)");
  app.add_option("--eos-id", cmd->eos_id, "stop after generating this token id (-1 = never)");
  app.add_flag("--json", cmd->json, "print {\"new_ids\": [...], \"finish_reason\": \"length|eos\"}");
  return [cmd] { return cmd->run(); };
}

}  // namespace mpt::cli
