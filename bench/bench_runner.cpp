#include "bench/bench_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/jsonl.h"
#include "common/log.h"
#include "bench/workload.h"
#include "models/device_stats.h"
#include "models/mpt_model.h"
#include "models/mpt_tensors.h"
#include "backend/neox_tokenizer_adapter.h"
#include "models/tokenizer/tokenizer.h"
#include "models/torch_info.h"

namespace mpt::bench {
namespace {

constexpr double kPeakFlops = 790e12;       // bf16 matmul ceiling measured on the baseline's H100
constexpr double kPeakBandwidth = 2.98e12;  // device-to-device copy bandwidth measured there (B/s)
constexpr int32_t kWarmupNewTokens = 16;

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// x with `digits` decimals (the nearest double, which JSON prints without noise digits).
double round_to(double x, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(x * scale) / scale;
}

// Bytes read per parameter by one decoding step (int8 weights: 1, their scales are negligible).
int bytes_per_parameter(const ModelOptions& m) {
  if (m.weights != WeightFormat::Native) return 1;
  return m.dtype == DType::F32 ? 4 : 2;
}

// The first `n` requests, generation ones shortened, for the untimed warm-up.
WorkloadRequests warmup_subset(const WorkloadRequests& all, int64_t n) {
  WorkloadRequests w;
  const auto take = [&](const auto& v) { return std::min<size_t>(v.size(), static_cast<size_t>(std::max<int64_t>(n, 0))); };
  w.loglikelihood.assign(all.loglikelihood.begin(), all.loglikelihood.begin() + static_cast<std::ptrdiff_t>(take(all.loglikelihood)));
  w.generate.assign(all.generate.begin(), all.generate.begin() + static_cast<std::ptrdiff_t>(take(all.generate)));
  for (auto& g : w.generate) g.max_new_tokens = std::min(g.max_new_tokens, kWarmupNewTokens);
  return w;
}

// Runs the requests; returns the per-request dump entries.
nlohmann::json execute(MptLanguageModel& lm, const WorkloadRequests& r) {
  nlohmann::json per = nlohmann::json::array();
  if (!r.loglikelihood.empty())
    for (const auto& x : lm.loglikelihood(r.loglikelihood)) per.push_back({{"logprob", x.logprob}, {"greedy", x.greedy}});
  if (!r.generate.empty())
    for (const auto& x : lm.generate(r.generate)) per.push_back({{"generated", x.tokens}});
  return per;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

}  // namespace

void run_bench(const BenchSettings& settings, const std::function<void(const nlohmann::json&)>& on_line) {
  // Everything that can be wrong with the input fails before the model loads.
  std::vector<Workload> workloads;
  for (const std::string& name : settings.workloads) workloads.push_back(find_workload(settings.workloads_file, name));
  if (workloads.empty()) throw input_error("no workload given", "--workload", "at least one workload name", "none");
  if (!settings.dump_requests.empty() && workloads.size() > 1 && settings.dump_requests.find("{w}") == std::string::npos)
    throw input_error("one request file for several workloads", "--dump-requests", "a name with {w} (the workload name)",
                      settings.dump_requests);
  if (settings.model_dir.empty() == settings.shape.empty())
    throw input_error("choose the model", "bench", "exactly one of --model DIR or --shape NAME",
                      settings.model_dir.empty() ? "neither" : "both");
  MptConfig preset = settings.shape.empty() ? MptConfig{} : MptConfig::preset(settings.shape);
  if (settings.vocab_size > 0) preset.vocab_size = settings.vocab_size;

  const auto t0 = Clock::now();
  std::unique_ptr<MptModel> model = settings.model_dir.empty()
                                        ? MptModel::random(preset, settings.model, settings.seed)
                                        : MptModel::load(settings.model_dir, settings.model);
  synchronize_device(settings.model.device);
  const double load_s = seconds_since(t0);
  const NeoxTokenizerAdapter tokenizer(Tokenizer::bundled());
  MptLanguageModel lm(*model, tokenizer, settings.runner);
  const int64_t params = parameter_count(model->config());
  on_line({{"impl", "mpt-eval"},
           {"torch", torch_info().version},
           {"device", settings.model.device},
           {"dtype", dtype_name(settings.model.dtype)},
           {"weights", weight_format_name(settings.model.weights)},
           {"params", params},
           {"load_s", round_to(load_s, 1)},
           {"model", settings.model_dir.empty() ? "random " + settings.shape + " seed " + std::to_string(settings.seed)
                                                : settings.model_dir},
           {"attention", model->uses_fused_attention() ? "fused (SDPA)" : "reference"}});

  nlohmann::json dumps = nlohmann::json::object();
  for (const Workload& w : workloads) {
    const WorkloadRequests requests = build_requests(w);
    if (!settings.dump_requests.empty())
      write_file_atomic(replace_all(settings.dump_requests, "{w}", w.name), requests_jsonl(requests));
    const bool scoring = w.kind == WorkloadKind::Loglikelihood;
    if (settings.warmup_requests > 0) execute(lm, warmup_subset(requests, settings.warmup_requests));
    synchronize_device(settings.model.device);
    reset_peak_memory(settings.model.device);
    const auto start = Clock::now();
    nlohmann::json per = execute(lm, requests);
    synchronize_device(settings.model.device);
    const double seconds = seconds_since(start);
    const int64_t tokens = counted_tokens(requests);
    nlohmann::json line = {{"workload", w.name},
                           {"kind", scoring ? "loglikelihood" : "generate"},
                           {"requests", w.n},
                           {"batch_size", scoring ? settings.runner.batch_tokens : settings.runner.generation_rows},
                           {"batch_unit", scoring ? "tokens" : "sequences"},
                           {"order", "sorted"},
                           {"mode", scoring ? (lm.exact() ? "exact" : "batched") : "continuous"},
                           {"seconds", round_to(seconds, 3)},
                           {"tokens", tokens},
                           {"tokens_per_s", round_to(static_cast<double>(tokens) / seconds, 1)},
                           {"peak_mem_gb", round_to(static_cast<double>(peak_memory_bytes(settings.model.device)) / 1e9, 2)}};
    if (scoring) line["mfu_vs_790tflops"] = round_to(2.0 * static_cast<double>(params) * static_cast<double>(tokens) / seconds / kPeakFlops, 3);
    if (!scoring && w.n == 1) {
      const double bound = kPeakBandwidth / (static_cast<double>(params) * bytes_per_parameter(settings.model));
      line["weight_bound_tokens_per_s"] = round_to(bound, 1);
      line["of_weight_bound"] = round_to(static_cast<double>(tokens) / seconds / bound, 3);
    }
    on_line(line);
    dumps[w.name] = std::move(per);
  }
  if (!settings.dump.empty()) write_file_atomic(settings.dump, dumps.dump() + "\n");
}

}  // namespace mpt::bench
