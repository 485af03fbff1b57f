#include "tasks/example_scoring.h"

#include <limits>

#include "tasks/answer_match.h"
#include "tasks/python_str.h"

namespace mpt {

int64_t lowest_mean_nll(const std::vector<double>& logprobs, const std::vector<int32_t>& num_tokens) {
  std::vector<double> mean_nll;
  for (size_t i = 0; i < logprobs.size(); ++i)
    mean_nll.push_back(num_tokens[i] > 0 ? -logprobs[i] / num_tokens[i] : std::numeric_limits<double>::quiet_NaN());
  size_t best = 0;
  for (size_t i = 1; i < mean_nll.size(); ++i)
    if (mean_nll[i] < mean_nll[best]) best = i;  // strict: ties and NaN keep the earlier option
  return static_cast<int64_t>(best);
}

int64_t first_argmax(const std::vector<double>& values) {
  size_t best = 0;
  for (size_t i = 1; i < values.size(); ++i)
    if (values[i] > values[best]) best = i;
  return static_cast<int64_t>(best);
}

ExampleResult score_example(const PreparedEval& eval, const PreparedExample& ex, const EvalResponses& responses) {
  ExampleResult r;
  r.index = ex.prompt.index;
  r.row = ex.prompt.row;
  const PromptPieces& pieces = ex.prompt.pieces;
  const TaskConfig& task = *eval.spec.task;
  switch (task.type) {
    case TaskType::LanguageModeling: {
      const LoglikelihoodResponse& resp = responses.loglikelihood[ex.first_request];
      double correct = resp.greedy ? 1.0 : 0.0;
      r.metrics = {{"accuracy", correct}, {"acc", correct}};
      r.details = {{"logprob", resp.logprob}, {"num_tokens", resp.num_tokens}, {"greedy", resp.greedy}};
      break;
    }
    case TaskType::MultipleChoice:
    case TaskType::Schema: {
      std::vector<double> logprobs, normalized;
      std::vector<int32_t> tokens;
      std::vector<bool> greedy;
      for (size_t i = 0; i < ex.num_requests; ++i) {
        const LoglikelihoodResponse& resp = responses.loglikelihood[ex.first_request + i];
        logprobs.push_back(resp.logprob);
        tokens.push_back(resp.num_tokens);
        greedy.push_back(resp.greedy);
        // Schema options share one continuation, so acc_norm equals acc there.
        const std::string& scored = pieces.continuations[pieces.continuations.size() == 1 ? 0 : i];
        normalized.push_back(resp.logprob / static_cast<double>(std::max<size_t>(py::len(scored), 1)));
      }
      const int64_t pick = lowest_mean_nll(logprobs, tokens);
      const int64_t pick_acc = first_argmax(logprobs);
      const int64_t pick_norm = first_argmax(normalized);
      r.metrics = {{"accuracy", pick == pieces.gold ? 1.0 : 0.0},
                   {"acc", pick_acc == pieces.gold ? 1.0 : 0.0},
                   {"acc_norm", pick_norm == pieces.gold ? 1.0 : 0.0}};
      r.details = {{"gold", pieces.gold},         {"predicted", pick},           {"predicted_acc", pick_acc},
                   {"predicted_acc_norm", pick_norm}, {"logprobs", logprobs}, {"num_tokens", tokens},
                   {"greedy", greedy}};
      break;
    }
    case TaskType::GenerationWithAnswers: {
      const GenerateResponse& resp = responses.generate[ex.first_request];
      AnswerJudgement j = judge_answer(resp.text, pieces.labels, task.early_stopping_criteria, task.cot_delimiter,
                                       task.do_normalization);
      r.metrics = {{"accuracy", j.correct ? 1.0 : 0.0}};
      r.details = {{"generated", resp.text},
                   {"finish", to_string(resp.finish)},
                   {"final_answer", j.final_answer},
                   {"cleaned_output", j.cleaned_output},
                   {"cleaned_labels", j.cleaned_labels}};
      break;
    }
    case TaskType::CodeEvaluation: break;  // scored by tasks/code; never prepared here
  }
  return r;
}

}  // namespace mpt
