// Options shared by the subcommands that load a checkpoint (logits, generate): --model, --dtype,
// --device, --threads, and the --ids token list.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "models/model_options.h"
#include "backend/mpt_language_model.h"
#include "models/mpt_model.h"

namespace mpt::cli {

struct ModelFlags {
  std::string model;
  std::string dtype = "fp32";
  std::string weights = "native";
  std::string device = "cpu";
  int threads = 0;

  ModelOptions options() const;  // Input error for an unknown dtype or weight format
};

// Declares --model (required; left out when !with_model), --dtype, --weights, --device and --threads on `app`.
void add_model_flags(CLI::App& app, ModelFlags& flags, bool with_model = true);

// --mode of the scoring commands (run, watch): "auto", "exact" or "batched"; Input error otherwise.
MptLanguageModelOptions::Mode parse_scoring_mode(const std::string& text);

// The --weights option's help text (shared with bench).
extern const char* const kWeightsHelp;

// Parses "5 9 13" or "5,9,13" into ids. Input error naming `where` for anything else or an empty list.
TokenIds parse_token_ids(const std::string& text, const std::string& where);

}  // namespace mpt::cli
