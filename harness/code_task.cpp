#include "harness/code_task.h"

#include <algorithm>

#include "common/error.h"
#include "common/sha256.h"
#include "sandbox/pass_at_k.h"
#include "tasks/code/completion_postprocess.h"

namespace mpt {
namespace {

// LLM Foundry's _MAX_ANSWER_BUFFER_LENGTH, added to the longest canonical solution.
constexpr int64_t kAnswerBuffer = 10;

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// _fix_eos_on_preamble, as for the other task types (tasks/prepared_eval.cpp).
Tokens encode_preamble(const TokenizerInterface& tok, const std::string& preamble) {
  if (preamble.empty()) return {};
  Tokens ids = tok.encode_with_special_tokens(preamble);
  auto eos = tok.eos_token_id();
  if (eos && ids.size() > 1 && ids.back() == *eos) ids.pop_back();
  return ids;
}

}  // namespace

uint64_t code_sample_seed(uint64_t task_seed, int64_t problem, int64_t sample) {
  uint64_t h = splitmix64(task_seed);
  h = splitmix64(h ^ static_cast<uint64_t>(problem));
  return splitmix64(h ^ static_cast<uint64_t>(sample));
}

std::string CodeTask::completion(const GenerateResponse& response) const {
  return code::postprocess_completion(spec.task->code.postprocess, response.text);
}

sandbox::Program CodeTask::program(int64_t problem, const std::string& completion) const {
  code::AssembledProgram a = code::assemble_program(problems[static_cast<size_t>(problem)], completion, assembly);
  sandbox::Program p{std::move(a.solution), std::move(a.test), std::move(a.entry_point), std::move(a.prelude)};
  p.language = a.language;  // C++ / JavaScript problems: built and run by the sandbox's recipe
  p.expected_stdout = std::move(a.expected_stdout);
  p.completion_token = std::move(a.completion_token);
  return p;
}

std::string CodeTask::prompt_hash(int64_t problem) const {
  Sha256 h;
  for (const std::string& s : {spec.task->prompt_string,
                               code::generation_prompt(problems[static_cast<size_t>(problem)], assembly.strip_prompt)}) {
    h.update(std::to_string(s.size()) + ":");
    h.update(s);
  }
  return h.hex_digest();
}

std::vector<MetricValue> CodeTask::problem_metrics(int64_t passed) const {
  std::vector<int64_t> sorted = ks;
  std::sort(sorted.begin(), sorted.end());
  std::vector<MetricValue> out;
  for (int64_t k : sorted) out.push_back({"pass@" + std::to_string(k), sandbox::pass_at_k(samples, passed, k)});
  return out;
}

std::string CodeTask::primary_metric() const {
  return "pass@" + std::to_string(*std::min_element(ks.begin(), ks.end()));
}

CodeTask prepare_code_task(const CodeTaskSpec& spec, const TokenizerInterface& tok, int64_t limit,
                           int64_t default_max_seq_len) {
  const TaskConfig& cfg = *spec.task;
  if (spec.num_fewshot != 0)
    throw input_error("few-shot code evaluation is not supported", cfg.where, "num_fewshot [0] for code_evaluation",
                      std::to_string(spec.num_fewshot));
  CodeTask t;
  t.spec = spec;
  std::vector<code::CodeProblem> all = code::load_code_problems(cfg.dataset_path);
  t.dataset_size = static_cast<int64_t>(all.size());
  t.samples = cfg.code.generations_per_sample;
  t.ks = cfg.code.pass_at_k;
  t.assembly.strip_prompt = cfg.code.strip_prompt;

  const Tokens preamble = encode_preamble(tok, cfg.prompt_string);
  std::vector<Tokens> prompts;
  size_t longest_prompt = 0, longest_answer = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    Tokens ids = preamble;
    Tokens body = tok.encode(code::generation_prompt(all[i], cfg.code.strip_prompt));
    ids.insert(ids.end(), body.begin(), body.end());
    longest_prompt = std::max(longest_prompt, ids.size());
    longest_answer = std::max(longest_answer, tok.encode(all[i].canonical_solution).size());
    prompts.push_back(std::move(ids));
  }
  // LLM Foundry raises max_seq_len to the longest prompt rather than cutting prompts.
  const int64_t max_seq_len = std::max<int64_t>(cfg.max_seq_len.value_or(default_max_seq_len),
                                                static_cast<int64_t>(longest_prompt));
  const int64_t answer = static_cast<int64_t>(longest_answer) + kAnswerBuffer;
  t.max_new_tokens = cfg.generation.max_new_tokens.value_or(
      std::max<int64_t>(std::min(answer, max_seq_len - static_cast<int64_t>(longest_prompt)), 1));

  const size_t n = limit < 0 ? all.size() : std::min(all.size(), static_cast<size_t>(limit));
  const std::vector<std::string> stops = code::generation_stop_sequences(cfg.code.postprocess);
  for (size_t p = 0; p < n; ++p) {
    for (int64_t s = 0; s < t.samples; ++s) {
      GenerateRequest r;
      r.prompt = prompts[p];
      r.max_new_tokens = static_cast<int32_t>(t.max_new_tokens);
      r.stop = stops;
      r.sampling = cfg.generation.sampling();
      r.sampling.seed = code_sample_seed(cfg.generation.seed.value_or(0), static_cast<int64_t>(p), s);
      t.requests.push_back(std::move(r));
    }
  }
  all.resize(n);
  t.problems = std::move(all);
  return t;
}

}  // namespace mpt
