// A code_evaluation entry (HumanEval) prepared for the runner: its problems, n generation requests
// per problem with their own seeds, the post-processing convention, the programs the sandbox runs,
// and pass@k per problem.
//
// Following LLM Foundry's InContextLearningCodeEvalDataset (at the last commit that had it,
// a7770148e^): the prompt is prompt_string (tokenized with special tokens, a trailing EOS dropped)
// followed by the problem's prompt (not stripped unless strip_prompt), tokenized separately;
// max_new_tokens = generation_kwargs.max_new_tokens, else max(min(longest canonical solution + 10,
// max_seq_len - longest prompt), 1) over the whole file; sampling with temperature 0.2 unless the
// task says otherwise. Generation stops where the post-processing would cut
// (generation_stop_sequences) or at end-of-text; the completion is post-processed once more.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sandbox/program.h"
#include "tasks/code/code_problem.h"
#include "tasks/code/program_assembly.h"
#include "tasks/example_result.h"
#include "tasks/requests.h"
#include "tasks/task_suite.h"
#include "tasks/tokenizer_interface.h"

namespace mpt {

struct CodeTask {
  CodeTaskSpec spec;
  std::vector<code::CodeProblem> problems;  // the evaluated problems: the file's first `limit`
  int64_t dataset_size = 0;                 // problems in the file
  int64_t samples = 1;                      // n: generations per problem
  std::vector<int64_t> ks;                  // pass@k reported (the task's pass_at_k)
  int64_t max_new_tokens = 0;
  code::AssemblyOptions assembly;
  std::vector<GenerateRequest> requests;    // sample s of problem p at p * samples + s

  size_t request_index(int64_t problem, int64_t sample) const {
    return static_cast<size_t>(problem * samples + sample);
  }
  // The generated text cut by the task's post-processing convention.
  std::string completion(const GenerateResponse& response) const;
  // The program the sandbox runs for a completion of problem `problem`.
  sandbox::Program program(int64_t problem, const std::string& completion) const;
  // sha256 of what the model is asked (model-independent): the prompt string and the problem prompt.
  std::string prompt_hash(int64_t problem) const;
  // pass@k for each k of `ks` from n samples of which `passed` passed; "pass@<min k>" first.
  std::vector<MetricValue> problem_metrics(int64_t passed) const;
  std::string primary_metric() const;  // "pass@<smallest k>"
};

// Loads the problems (code/code_problem.h) and builds the requests. Throws mpt::Error (Input)
// naming the task for num_fewshot other than 0, a malformed problems file (file:line), or a prompt
// that leaves no room to generate in max_seq_len.
CodeTask prepare_code_task(const CodeTaskSpec& spec, const TokenizerInterface& tokenizer, int64_t limit,
                           int64_t default_max_seq_len);

// The sampling seed of sample `sample` of problem `problem`: a mix (splitmix64) of the task's seed
// (generation_kwargs.seed, 0 when unset) and both indices. It does not depend on n, so asking for
// more samples later keeps (and reuses from the cache) the first ones.
uint64_t code_sample_seed(uint64_t task_seed, int64_t problem, int64_t sample);

}  // namespace mpt
