// Trains a tiny MPT with libtorch and evaluates it during training through the live-evaluation
// hook (harness/live_eval.h), then writes the HTML report whose trend charts show the metrics
// against the training step. docs/live.md explains it; the test tests/live runs it tiny.
//
//   build/examples/train_tiny_mpt                       # 300 steps, evaluation every 50, out/train-tiny
//   build/examples/train_tiny_mpt --steps 30 --eval-every 10 --limit 4 --out /tmp/t
//
// Corpus: the Python standard library sources of the machine's CPython (default
// /usr/lib/python3.11/*.py, Python Software Foundation License), available offline on Debian;
// any directory of text files works (--corpus). The files are read in name order up to
// --corpus-bytes, tokenized with the bundled GPT-NeoX-20B tokenizer, and training batches are
// random windows of --seq-len + 1 tokens (next-token prediction, cross-entropy).
// Model: MptConfig::preset("tiny") (d_model 64, 2 layers, 4 heads) with the NeoX vocabulary
// (50432), random initial weights (MptModel::random), trained in place: the optimizer updates the
// very tensors the evaluator reads (MptModel::named_parameters).
#include <torch/torch.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/jsonl.h"
#include "common/log.h"
#include "common/paths.h"
#include "harness/live_eval.h"
#include "models/mpt_model.h"
#include "models/tokenizer/tokenizer.h"
#include "reports/report.h"
#include "results/store.h"

namespace {

struct Options {
  int64_t steps = 300;
  int64_t eval_every = 50;
  int64_t limit = 20;
  std::string out = "out/train-tiny";
  std::string corpus = "/usr/lib/python3.11";
  int64_t corpus_bytes = 1 << 20;
  int64_t seq_len = 64;
  int64_t batch = 8;
  double lr = 3e-3;
  uint64_t seed = 0;
  std::string device = "cpu";
  std::string tasks = mpt::source_dir() + "/examples/live_tasks.yaml";
};

// The corpus as one token stream: the directory's regular files in name order, up to max_bytes.
std::vector<int32_t> load_corpus(const Options& o, const mpt::Tokenizer& tokenizer) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(o.corpus, ec))
    if (e.is_regular_file() && e.path().extension() == ".py") files.push_back(e.path());
  if (ec || files.empty())
    throw mpt::input_error("no corpus", "--corpus " + o.corpus, "a directory with .py files", ec ? ec.message() : "none");
  std::sort(files.begin(), files.end());
  std::string text;
  for (const fs::path& f : files) {
    if (static_cast<int64_t>(text.size()) >= o.corpus_bytes) break;
    text += mpt::read_file(f.string());
  }
  text.resize(std::min<size_t>(text.size(), static_cast<size_t>(o.corpus_bytes)));
  std::vector<int32_t> ids = tokenizer.encode(text);
  if (static_cast<int64_t>(ids.size()) < o.seq_len + 2)
    throw mpt::input_error("corpus too small", "--corpus " + o.corpus, "more than --seq-len tokens", std::to_string(ids.size()));
  MPT_LOG(Info, "corpus: {} bytes of {} -> {} tokens", text.size(), o.corpus, ids.size());
  return ids;
}

int train(const Options& o) {
  std::filesystem::create_directories(o.out);
  const std::string db = o.out + "/train.db";
  std::filesystem::remove(db);  // the example owns its output directory: one training per report

  const mpt::Tokenizer tokenizer = mpt::Tokenizer::bundled();
  const std::vector<int32_t> corpus = load_corpus(o, tokenizer);

  mpt::MptConfig config = mpt::MptConfig::preset("tiny");
  config.vocab_size = 50432;  // the GPT-NeoX vocabulary, as MPT uses
  mpt::ModelOptions model_options;
  model_options.device = o.device;
  std::unique_ptr<mpt::MptModel> model = mpt::MptModel::random(config, model_options, o.seed);

  // Built once: the task file is read and every prompt tokenized here, not at each evaluation.
  mpt::LiveEvalConfig eval;
  eval.tasks_path = o.tasks;
  eval.limit = o.limit;
  eval.db_path = db;
  eval.max_seq_len = config.max_seq_len;
  eval.label = "train_tiny_mpt";
  mpt::LiveEvaluator evaluator(eval);

  std::vector<torch::Tensor> parameters;
  for (auto& [name, p] : model->named_parameters()) parameters.push_back(p.requires_grad_(true));
  torch::optim::AdamW optimizer(parameters, torch::optim::AdamWOptions(o.lr).weight_decay(0.01));
  model->set_training(true);

  std::mt19937_64 rng(o.seed);
  std::uniform_int_distribution<size_t> start(0, corpus.size() - static_cast<size_t>(o.seq_len) - 1);
  for (int64_t step = 1; step <= o.steps; ++step) {
    std::vector<mpt::TokenIds> inputs;
    std::vector<int64_t> targets;
    for (int64_t b = 0; b < o.batch; ++b) {
      const size_t s = start(rng);
      inputs.emplace_back(corpus.begin() + s, corpus.begin() + s + o.seq_len);
      targets.insert(targets.end(), corpus.begin() + s + 1, corpus.begin() + s + o.seq_len + 1);
    }
    torch::Tensor logits = model->unembed(model->hidden(inputs));  // [B, T, V]
    torch::Tensor loss = torch::nn::functional::cross_entropy(logits.view({-1, config.vocab_size}),
                                                              torch::tensor(targets).to(logits.device()));
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    if (step % 10 == 0) MPT_LOG(Info, "step {}: loss {:.3f}", step, loss.item<double>());
    if (step % o.eval_every == 0 || step == o.steps) {
      mpt::LiveEvalResult r = evaluator.evaluate(*model, step);  // in place; back in training mode afterwards
      std::string line;
      for (const auto& [label, value] : r.metrics) line += fmt::format(" {}={:.3f}", label, value);
      std::printf("step %lld loss %.4f%s\n", static_cast<long long>(step), loss.item<double>(), line.c_str());
      std::fflush(stdout);
    }
  }

  mpt::results::Store store = mpt::results::Store::open(db);
  const std::string report = o.out + "/report.html";
  mpt::write_file_atomic(report, mpt::reports::build_report(store, {}, mpt::reports::ReportFormat::Html));
  std::printf("results: %s\nreport: %s\n", db.c_str(), report.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app("Train a tiny MPT on an offline corpus and evaluate it every K steps (mpt-eval live hook)");
  app.add_option("--steps", o.steps, "training steps")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--eval-every", o.eval_every, "evaluate every K steps (and after the last)")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--limit", o.limit, "examples per evaluation (LLM Foundry's icl_subset_num_batches)")->capture_default_str();
  app.add_option("--tasks", o.tasks, "LLM Foundry task file")->check(CLI::ExistingFile)->capture_default_str();
  app.add_option("--out", o.out, "output directory: train.db and report.html")->capture_default_str();
  app.add_option("--corpus", o.corpus, "directory of .py files to train on")->capture_default_str();
  app.add_option("--corpus-bytes", o.corpus_bytes, "bytes of the corpus to use")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--seq-len", o.seq_len, "tokens per training row")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--batch", o.batch, "rows per step")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--lr", o.lr, "AdamW learning rate")->capture_default_str();
  app.add_option("--seed", o.seed, "seed of the weights and the batches")->capture_default_str();
  app.add_option("--device", o.device, "cpu, cuda or cuda:N (training and evaluation, float32)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    return train(o);
  } catch (const mpt::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return mpt::exit_code(e.kind());
  }
}
