// A small distributed evaluation for the multi-process tests (until `mpt-eval run` is distributed):
// every rank builds the same synthetic multiple-choice and generation requests for the tiny
// fixture model, evaluates them through DistributedLanguageModel over the World the environment
// describes, and rank 0 appends each answer to --out as it arrives ("L|G <index> <hex of the
// encoded response>"), flushed after every round. Requests whose answer is already in --out are
// left out (a resumed run), as the evaluation runner does with stored examples.
//
//   dist_driver --model DIR --out FILE [--questions N] [--prompts N] [--rank-timeout-ms T]
//               [--die-rank R --die-after K]    rank R kills itself (SIGKILL) at its K-th answer
//               [--fail-rank R --fail-after K]  rank R throws an input error at its K-th answer
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "common/error.h"
#include "harness/distributed/distributed_language_model.h"
#include "harness/distributed/wire.h"
#include "harness/distributed/world.h"
#include "harness/mpt_language_model.h"
#include "models/mpt_model.h"
#include "models/tokenizer/tokenizer.h"

namespace {

using namespace mpt;

struct Args {
  std::string model, out;
  int questions = 60, prompts = 12;
  int64_t rank_timeout_ms = 30000;
  int die_rank = -1, fail_rank = -1;
  int64_t die_after = 0, fail_after = 0;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--model") a.model = v;
    else if (k == "--out") a.out = v;
    else if (k == "--questions") a.questions = std::stoi(v);
    else if (k == "--prompts") a.prompts = std::stoi(v);
    else if (k == "--rank-timeout-ms") a.rank_timeout_ms = std::stoll(v);
    else if (k == "--die-rank") a.die_rank = std::stoi(v);
    else if (k == "--die-after") a.die_after = std::stoll(v);
    else if (k == "--fail-rank") a.fail_rank = std::stoi(v);
    else if (k == "--fail-after") a.fail_after = std::stoll(v);
    else throw input_error("unknown option", k);
  }
  if (a.model.empty() || a.out.empty()) throw input_error("missing option", "--model, --out");
  return a;
}

// Deterministic token ids below the tiny model's vocabulary (320); every sequence fits its 64 positions.
TokenId token(uint64_t& state) {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return static_cast<TokenId>(1 + (state >> 33) % 300);
}

std::vector<LoglikelihoodRequest> loglikelihood_requests(int questions) {
  std::vector<LoglikelihoodRequest> out;
  uint64_t s = 7;
  for (int q = 0; q < questions; ++q) {
    Tokens ctx;
    for (int t = 0; t < 4 + (q * 11) % 40; ++t) ctx.push_back(token(s));
    for (int c = 0; c < 4; ++c) {
      Tokens cont;
      for (int t = 0; t <= (q + c) % 5; ++t) cont.push_back(token(s));
      out.push_back({ctx, cont});
    }
  }
  return out;
}

std::vector<GenerateRequest> generate_requests(int prompts) {
  std::vector<GenerateRequest> out;
  uint64_t s = 11;
  for (int p = 0; p < prompts; ++p) {
    GenerateRequest g;
    for (int t = 0; t < 3 + p % 9; ++t) g.prompt.push_back(token(s));
    g.max_new_tokens = 4 + p % 6;
    g.stop_at_eos = false;
    g.sampling.temperature = p % 2 ? 0.8 : 0.0;  // half greedy, half sampled with their own seeds
    g.sampling.seed = static_cast<uint64_t>(1000 + p);
    out.push_back(g);
  }
  return out;
}

std::string hex(const std::string& bytes) {
  static const char* d = "0123456789abcdef";
  std::string h;
  for (unsigned char c : bytes) h += d[c >> 4], h += d[c & 15];
  return h;
}

// Indices of kind `kind` ('L' or 'G') already answered in `path`.
std::set<size_t> answered(const std::string& path, char kind) {
  std::set<size_t> done;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (line.size() > 2 && line[0] == kind) done.insert(std::stoul(line.substr(2)));
  return done;
}

template <class T>
std::vector<T> without(const std::vector<T>& all, const std::set<size_t>& done, std::vector<size_t>& index) {
  std::vector<T> rest;
  for (size_t i = 0; i < all.size(); ++i)
    if (!done.count(i)) rest.push_back(all[i]), index.push_back(i);
  return rest;
}

void evaluate(const Args& a, dist::World& world, dist::DistributedLanguageModel& lm, std::FILE* out);

int run(const Args& a) {
  dist::WorldOptions options;
  options.rank_timeout = std::chrono::milliseconds(a.rank_timeout_ms);
  options.heartbeat = std::chrono::milliseconds(std::min<int64_t>(1000, a.rank_timeout_ms / 4));
  auto world = dist::World::join(options);
  auto model = MptModel::load(a.model, ModelOptions{});
  Tokenizer tokenizer = Tokenizer::bundled();
  MptLanguageModelOptions lm_options;
  lm_options.mode = MptLanguageModelOptions::Mode::Exact;
  lm_options.generation_rows = 1;  // each sequence decoded alone: bit-identical whatever the share
  MptLanguageModel local(*model, tokenizer, "tiny", lm_options);
  dist::DistributedModelOptions d;
  d.round_tokens = 200;             // many rounds, so that a failure lands mid-run
  d.round_generation_tokens = 40;
  dist::DistributedLanguageModel lm(local, world->communicator(), d);

  std::FILE* out = nullptr;
  if (world->is_main()) {
    out = std::fopen(a.out.c_str(), "a");
    if (!out) throw runtime_error("cannot open", a.out);
  }
  world->guarded([&] { evaluate(a, *world, lm, out); });
  if (out) std::fclose(out);
  world->finish();
  return 0;
}

void evaluate(const Args& a, dist::World& world, dist::DistributedLanguageModel& lm, std::FILE* out) {
  int64_t answers = 0;
  auto tick = [&] {
    ++answers;
    if (world.rank() == a.die_rank && answers == a.die_after) raise(SIGKILL);
    if (world.rank() == a.fail_rank && answers == a.fail_after)
      throw input_error("deliberate failure", "dist_driver", "", "answer " + std::to_string(answers));
  };
  auto ll_all = loglikelihood_requests(a.questions);
  std::vector<size_t> ll_index;
  auto ll = without(ll_all, world.is_main() ? answered(a.out, 'L') : std::set<size_t>{}, ll_index);
  lm.loglikelihood(world.is_main() ? ll : ll_all, [&](size_t i, const LoglikelihoodResponse& r) {
    if (out) {
      dist::ByteWriter w;
      dist::write_response(w, r);
      std::fprintf(out, "L %zu %s\n", ll_index[i], hex(w.take()).c_str());
      std::fflush(out);
    }
    tick();
  });
  auto gen_all = generate_requests(a.prompts);
  std::vector<size_t> gen_index;
  auto gen = without(gen_all, world.is_main() ? answered(a.out, 'G') : std::set<size_t>{}, gen_index);
  lm.generate(world.is_main() ? gen : gen_all, [&](size_t i, const GenerateResponse& r) {
    if (out) {
      dist::ByteWriter w;
      dist::write_response(w, r);
      std::fprintf(out, "G %zu %s\n", gen_index[i], hex(w.take()).c_str());
      std::fflush(out);
    }
    tick();
  });
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse(argc, argv));
  } catch (const mpt::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return mpt::exit_code(e.kind());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
