// Single-thread encode throughput of the GPT-NeoX tokenizer, and its scaling on adversarial inputs.
//
//   bench_tokenizer [--tokenizer FILE] [--lambada FILE] [--humaneval FILE] [--passes N]
//
// Corpora: the `context` field of every LAMBADA line and the `prompt` field of every HumanEval
// problem (defaults: the bundled copies under data/, icl/language_understanding/lambada_openai.jsonl
// and humaneval/HumanEval.jsonl.gz). Each corpus is encoded --passes times, string by string; the
// first pass starts with an empty word cache and is reported apart, the figures are the median of
// the others. The scaling section times inputs of size n and 2n (median of 3): time linear in the
// input shows as a ratio near 2.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/error.h"
#include "common/jsonl.h"
#include "common/paths.h"
#include "models/tokenizer/tokenizer.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// CPU time of the calling thread: on a shared machine, the figure that does not count the time
// other processes held the core.
double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Timing {
  double wall = 0;
  double cpu = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

std::vector<std::string> read_field(const std::string& path, const std::string& field) {
  std::vector<std::string> out;
  mpt::for_each_jsonl(path, [&](const nlohmann::json& v, int line) {
    out.push_back(mpt::require_string(v, field, path + ":" + std::to_string(line)));
  });
  return out;
}

// Encodes every string once; returns the time taken and the number of tokens.
std::pair<Timing, size_t> encode_all(const mpt::Tokenizer& tok, const std::vector<std::string>& texts) {
  size_t tokens = 0;
  auto t0 = Clock::now();
  double c0 = thread_cpu_seconds();
  for (const auto& t : texts) tokens += tok.encode(t).size();
  return {Timing{seconds_since(t0), thread_cpu_seconds() - c0}, tokens};
}

void bench_corpus(const mpt::Tokenizer& tok, const std::string& name, const std::vector<std::string>& texts,
                  int passes) {
  size_t bytes = 0;
  for (const auto& t : texts) bytes += t.size();
  auto [cold, tokens] = encode_all(tok, texts);
  std::vector<double> wall, cpu;
  for (int p = 1; p < passes; ++p) {
    Timing t = encode_all(tok, texts).first;
    wall.push_back(t.wall);
    cpu.push_back(t.cpu);
  }
  double w = median(wall), c = median(cpu), mb = static_cast<double>(bytes) / 1e6;
  std::printf("%s: %zu strings, %.2f MB, %zu tokens; median of %d passes after the first:\n", name.c_str(),
              texts.size(), mb, tokens, passes - 1);
  std::printf("  wall %7.2f MB/s %10.0f tokens/s | thread CPU %7.2f MB/s %10.0f tokens/s | first pass (cold cache) "
              "%.2f MB/s wall\n",
              mb / w, static_cast<double>(tokens) / w, mb / c, static_cast<double>(tokens) / c, mb / cold.wall);
}

void bench_scaling(const mpt::Tokenizer& tok, const std::string& name, std::string (*make)(size_t), size_t n) {
  double t[2];
  for (int k = 0; k < 2; ++k) {
    std::string text = make(n << k);
    std::vector<double> runs;
    for (int r = 0; r < 3; ++r) {
      double c0 = thread_cpu_seconds();
      volatile size_t sink = tok.encode(text).size();
      (void)sink;
      runs.push_back(thread_cpu_seconds() - c0);
    }
    t[k] = median(runs);
  }
  std::printf("%-26s n=%8zu: %8.1f ms   2n: %8.1f ms   ratio %.2f   (%.1f MB/s at 2n)\n", name.c_str(), n,
              t[0] * 1e3, t[1] * 1e3, t[1] / t[0], (2 * n) / 1e6 / t[1]);
}

std::string random_letters(size_t n) {
  std::mt19937_64 rng(1);
  std::string s(n, 'a');
  for (auto& c : s) c = static_cast<char>('a' + rng() % 26);
  return s;
}
std::string one_letter(size_t n) { return std::string(n, 'a'); }
std::string spaces(size_t n) { return std::string(n, ' '); }
std::string newlines(size_t n) { return std::string(n, '\n'); }
std::string random_bytes(size_t n) {
  std::mt19937_64 rng(2);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Single-thread encode throughput of the GPT-NeoX tokenizer");
  std::string tokenizer_file, lambada, humaneval;
  int passes = 7;
  app.add_option("--tokenizer", tokenizer_file, "tokenizer.json (default: the bundled GPT-NeoX-20B)");
  app.add_option("--lambada", lambada, "LAMBADA jsonl (field `context`; default: data/icl/language_understanding/lambada_openai.jsonl)");
  app.add_option("--humaneval", humaneval, "HumanEval jsonl(.gz) (field `prompt`; default: data/humaneval/HumanEval.jsonl.gz)");
  app.add_option("--passes", passes, "passes per corpus (the first is reported apart)")->check(CLI::Range(2, 1000));
  CLI11_PARSE(app, argc, argv);
  try {
    if (lambada.empty()) lambada = mpt::bundled_path("icl/language_understanding/lambada_openai.jsonl");
    if (humaneval.empty()) humaneval = mpt::bundled_path("humaneval/HumanEval.jsonl.gz");
    auto t0 = Clock::now();
    mpt::Tokenizer tok = tokenizer_file.empty() ? mpt::Tokenizer::bundled() : mpt::Tokenizer::from_file(tokenizer_file);
    std::printf("tokenizer %s loaded in %.0f ms; one thread\n", tok.path().c_str(), seconds_since(t0) * 1e3);
    bench_corpus(tok, "LAMBADA contexts", read_field(lambada, "context"), passes);
    bench_corpus(tok, "HumanEval prompts", read_field(humaneval, "prompt"), passes);
    std::printf("scaling (one string each, thread CPU time, median of 3; time(2n)/time(n) near 2 = linear):\n");
    bench_scaling(tok, "random letters, no space", random_letters, 1 << 19);
    bench_scaling(tok, "one letter repeated", one_letter, 1 << 19);
    bench_scaling(tok, "spaces", spaces, 50000);
    bench_scaling(tok, "newlines", newlines, 50000);
    bench_scaling(tok, "random bytes", random_bytes, 1 << 19);
  } catch (const mpt::Error& e) {
    std::fprintf(stderr, "bench_tokenizer: %s\n", e.what());
    return mpt::exit_code(e.kind());
  }
  return 0;
}
