// mpt-eval logits: print a checkpoint's float32 logits for given token ids as JSON.
#include <fmt/format.h>

#include <cmath>
#include <cstdio>

#include "common/log.h"
#include "harness/cli/model_flags.h"
#include "harness/cli/subcommands.h"

namespace mpt::cli {
namespace {

struct LogitsFlags {
  ModelFlags model;
  std::string ids_text;

  int run() const {
    TokenIds ids = parse_token_ids(ids_text, "--ids");
    auto m = MptModel::load(model.model, model.options());
    std::vector<std::vector<float>> rows = m->logits(ids);
    // One row per line; %.9g round-trips every float32. JSON has no NaN or infinity: they print as null.
    std::string out = fmt::format(
        "{{\"model\": \"{}\", \"dtype\": \"{}\", \"weights\": \"{}\", \"device\": \"{}\", \"vocab_size\": {}, \"ids\": [",
        model.model, dtype_name(m->options().dtype), weight_format_name(m->options().weights), m->options().device,
        m->config().vocab_size);
    for (size_t i = 0; i < ids.size(); ++i) out += fmt::format("{}{}", i ? ", " : "", ids[i]);
    out += "],\n\"logits\": [\n";
    bool non_finite = false;
    for (size_t t = 0; t < rows.size(); ++t) {
      out += "[";
      for (size_t v = 0; v < rows[t].size(); ++v) {
        if (v) out += ", ";
        float x = rows[t][v];
        if (std::isfinite(x)) {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%.9g", x);
          out += buf;
        } else {
          out += "null";
          non_finite = true;
        }
      }
      out += t + 1 < rows.size() ? "],\n" : "]\n";
    }
    out += "]}\n";
    if (non_finite) MPT_LOG(Warn, "some logits are NaN or infinite; printed as null");
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
  }
};

}  // namespace

Action attach_logits(CLI::App& app) {
  auto cmd = std::make_shared<LogitsFlags>();
  app.description(
      "Print float32 logits for one token sequence as JSON: {\"ids\": [...], \"logits\": [[V values] per position]}, "
      "one position per line, each value with 9 significant digits.");
  add_model_flags(app, cmd->model);
  app.add_option("--ids", cmd->ids_text, "token ids, separated by spaces or commas, e.g. \"5 9 13\"")->required();
  return [cmd] { return cmd->run(); };
}

}  // namespace mpt::cli
