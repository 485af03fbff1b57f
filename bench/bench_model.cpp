// bench_model: CPU throughput of the MPT forward pass and peak memory of loading a checkpoint.
//
//   bench_model [--dir DIR] [--reps N] [--tokens T] [--threads N] [--shape mpt-125m|mpt-350m]
//
// Prints (medians of N repetitions after one warm-up):
//   * the threads ATen uses and which BLAS library is mapped into the process;
//   * the fp32 (and bf16) matmul GFLOP/s of at::mm on the shapes of the 125M model's MLP at T
//     tokens: the ceiling that the forward pass is measured against;
//   * prefill tokens/s of a random ~125M MPT (d_model 768, 12 layers, 12 heads, vocab 50432; or the
//     --shape given) on one T-token sequence (forward + last-position logits), with fp32, bf16, int8
//     and int8-dynamic weights (ModelOptions::weights), its GFLOP/s and the utilisation of the ceiling;
//   * peak resident memory (VmHWM) of a fresh process that loads a ~1.4 GB fp32 checkpoint
//     (mpt-350m shape) as fp32, bf16 and int8, next to the size of the converted weights.
// Checkpoints are written by the same code as `mpt-eval init` into DIR (default
// /tmp/mpt-eval-bench), once; they are reused by later runs.
#include <ATen/Parallel.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/mm.h>
#include <ATen/ops/randn.h>
#include <c10/core/InferenceMode.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "common/log.h"
#include "models/mpt_model.h"
#include "models/mpt_tensors.h"
#include "models/random_checkpoint.h"

namespace {

using Clock = std::chrono::steady_clock;

double median_seconds(int reps, const std::function<void()>& f) {
  f();  // warm-up
  std::vector<double> s;
  for (int i = 0; i < reps; ++i) {
    auto t0 = Clock::now();
    f();
    s.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::sort(s.begin(), s.end());
  return s[s.size() / 2];
}

// A "Vm...:" line of /proc/self/status, in MiB.
double status_mib(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::stod(line.substr(std::strlen(key))) / 1024.0;
  return -1;
}

// The machine is shared: say how busy it was.
std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

std::string blas_libraries() {
  std::ifstream in("/proc/self/maps");
  std::string line, out;
  while (std::getline(in, line)) {
    auto slash = line.rfind('/');
    if (slash == std::string::npos) continue;
    std::string path = line.substr(line.find('/'));
    if ((path.find("blas") != std::string::npos || path.find("dnnl") != std::string::npos ||
         path.find("mkl") != std::string::npos || path.find("gomp") != std::string::npos) &&
        out.find(path) == std::string::npos)
      out += "\n    " + path;
  }
  return out;
}

std::string ensure_checkpoint(const std::string& dir, const char* shape) {
  if (!std::filesystem::exists(dir + "/config.json")) {
    std::printf("writing a random %s checkpoint to %s ...\n", shape, dir.c_str());
    std::fflush(stdout);
    mpt::write_random_checkpoint(mpt::MptConfig::preset(shape), {.seed = 1, .overwrite = true}, dir);
  }
  return dir;
}

double mm_gflops(at::ScalarType type, int64_t m, int64_t k, int64_t n, int reps) {
  c10::InferenceMode guard;
  at::Tensor a = at::randn({m, k}).to(type), b = at::randn({k, n}).to(type);
  double s = median_seconds(reps, [&] { at::mm(a, b); });
  return 2.0 * m * k * n / s / 1e9;
}

// FLOPs of one prefill of T tokens: the matmuls of every block (q|k|v, out, up, down), the two
// attention products over the full T x T score matrix, and the last position's unembedding.
double prefill_flops(const mpt::MptConfig& c, int64_t T) {
  const double C = c.d_model, F = c.ffn_hidden, qkv = (c.n_heads + 2 * c.kv_n_heads) * c.head_dim();
  const double per_token_block = 2.0 * (C * qkv + C * C + 2 * C * F);
  const double attention = 2.0 * 2.0 * T * T * C;
  return c.n_layers * (T * per_token_block + attention) + 2.0 * C * c.vocab_size;
}

// "fp32", "bf16", "int8" or "int8-dynamic" as load options (int8 formats: float32 for the rest).
mpt::ModelOptions format_options(const std::string& format, int threads) {
  mpt::ModelOptions o{.threads = threads};
  if (format.rfind("int8", 0) == 0) o.weights = mpt::parse_weight_format(format, "format");
  else o.dtype = mpt::parse_dtype(format, "format");
  return o;
}

void prefill(const std::string& dir, const std::string& format, int threads, int64_t T, int reps, double ceiling) {
  auto model = mpt::MptModel::load(dir, format_options(format, threads));
  mpt::TokenIds ids;
  for (int64_t i = 0; i < T; ++i) ids.push_back(static_cast<int32_t>((i * 7919 + 13) % model->config().vocab_size));
  double s = median_seconds(reps, [&] {
    at::Tensor h = model->hidden({ids});
    model->unembed(h.select(1, T - 1));
  });
  double gflops = prefill_flops(model->config(), T) / s / 1e9;
  std::printf("prefill %-12s  %ld tokens: %.3f s  %8.1f tokens/s  %6.1f GFLOP/s  %5.1f%% of the fp32 matmul ceiling\n",
              format.c_str(), static_cast<long>(T), s, T / s, gflops, 100.0 * gflops / ceiling);
}

// Child process: load, then report memory (a fresh process, so VmHWM is the load's peak).
int rss_child(const std::string& dir, const std::string& dtype) {
  double before = status_mib("VmRSS:");
  auto t0 = Clock::now();
  auto model = mpt::MptModel::load(dir, format_options(dtype, 0));
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("%.1f %.1f %.1f %.2f\n", before, status_mib("VmHWM:"), status_mib("VmRSS:"), secs);
  return 0;
}

void rss(const std::string& dir, const char* dtype, int64_t params) {
  int fd[2];
  if (pipe(fd) != 0) return;
  pid_t pid = fork();
  if (pid == 0) {  // before this process used OpenMP: exec a fresh copy
    dup2(fd[1], 1);
    execl("/proc/self/exe", "bench_model", "--rss-child", dir.c_str(), dtype, static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fd[1]);
  char buf[256] = {};
  ssize_t n = read(fd[0], buf, sizeof buf - 1);
  close(fd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  double before = 0, hwm = 0, after = 0, secs = 0;
  if (n <= 0 || std::sscanf(buf, "%lf %lf %lf %lf", &before, &hwm, &after, &secs) != 4) {
    std::printf("peak RSS (%s): child failed\n", dtype);
    return;
  }
  const double file_mib = params * 4.0 / (1 << 20);
  // int8: one byte per parameter (the scales and norms add ~0.1%).
  const double weights_mib = params * (std::strcmp(dtype, "fp32") == 0 ? 4.0 : std::strcmp(dtype, "bf16") == 0 ? 2.0 : 1.0) / (1 << 20);
  std::printf("load %-4s of a %.0f MiB fp32 checkpoint: %.1f s; RSS before %.0f MiB, peak %.0f MiB "
              "(peak - before = %.0f MiB for %.0f MiB of %s weights, %.2fx)\n",
              dtype, file_mib, secs, before, hwm, hwm - before, weights_mib, dtype, (hwm - before) / weights_mib);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "--rss-child") == 0) return rss_child(argv[2], argv[3]);
  std::string dir = "/tmp/mpt-eval-bench";
  int reps = 5;
  int64_t tokens = 512;
  int threads = 0;
  std::string shape = "mpt-125m";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--dir") dir = argv[i + 1];
    else if (a == "--reps") reps = std::atoi(argv[i + 1]);
    else if (a == "--tokens") tokens = std::atoll(argv[i + 1]);
    else if (a == "--threads") threads = std::atoi(argv[i + 1]);
    else if (a == "--shape") shape = argv[i + 1];
  }
  if (threads <= 0) threads = at::get_num_threads();  // ATen's default, as MptModel::load keeps it
  mpt::log::set_level(mpt::log::Level::Warn);
  const std::string m125 = ensure_checkpoint(dir + "/mpt-125m", "mpt-125m");
  const std::string m350 = ensure_checkpoint(dir + "/mpt-350m", "mpt-350m");

  // Memory first, in fresh processes (this one has not started OpenMP yet).
  const int64_t p350 = mpt::parameter_count(mpt::MptConfig::preset("mpt-350m"));
  rss(m350, "fp32", p350);
  rss(m350, "bf16", p350);
  rss(m350, "int8", p350);

  const int aten_default = at::get_num_threads();
  at::set_num_threads(threads);
  std::printf("ATen threads: %d (ATen's default here: %d), inter-op %d; CPUs online %ld; load average %s\n",
              at::get_num_threads(), aten_default, at::get_num_interop_threads(), sysconf(_SC_NPROCESSORS_ONLN),
              load_average().c_str());
  const double up = mm_gflops(at::kFloat, tokens, 768, 3072, reps);
  const double down = mm_gflops(at::kFloat, tokens, 3072, 768, reps);
  const double ceiling = std::max(up, down);
  std::printf("BLAS/OpenMP libraries mapped:%s\n", blas_libraries().c_str());
  std::printf("fp32 matmul [%ld x 768] x [768 x 3072]: %.1f GFLOP/s; [%ld x 3072] x [3072 x 768]: %.1f GFLOP/s (ceiling %.1f)\n",
              static_cast<long>(tokens), up, static_cast<long>(tokens), down, ceiling);
  std::printf("bf16 matmul [%ld x 768] x [768 x 3072]: %.1f GFLOP/s\n", static_cast<long>(tokens),
              mm_gflops(at::kBFloat16, tokens, 768, 3072, std::max(1, reps / 2)));
  const std::string model_dir = shape == "mpt-350m" ? m350 : m125;
  std::printf("model: %s shape, %ld parameters, %.1f GFLOP per %ld-token prefill\n", shape.c_str(),
              static_cast<long>(mpt::parameter_count(mpt::MptConfig::preset(shape))),
              prefill_flops(mpt::MptConfig::preset(shape), tokens) / 1e9, static_cast<long>(tokens));
  for (const char* format : {"fp32", "bf16", "int8", "int8-dynamic"}) prefill(model_dir, format, threads, tokens, reps, ceiling);
  std::printf("load average after: %s\n", load_average().c_str());
  return 0;
}
