// The part of a task kind shared by the types whose examples are scored by log-likelihood
// (language_modeling, multiple_choice, schema): one loglikelihood request per pairing of the
// pieces' contexts and continuations, i.e. one per context option (schema) or one per
// continuation (the choices), each context cut from the left to fit max_seq_len with its
// continuation; and LLM Foundry's multiple-choice scoring.
#pragma once

#include "tasks/example_result.h"
#include "tasks/prepared_eval.h"
#include "tasks/task_kind.h"

namespace mpt {

class LoglikelihoodKind : public TaskKind {
 public:
  RequestForm request_form() const override { return RequestForm::Loglikelihood; }
  void make_requests(PreparedEval& eval, PreparedExample& example, const Tokens& preamble,
                     const TokenizerInterface& tokenizer, const std::string& where) const override;

 protected:
  // The multiple-choice metrics of an example whose requests are its options (see example_result.h):
  // accuracy (lowest mean NLL), acc (highest log-likelihood) and acc_norm (per code point of the
  // scored piece), with their picks in the details.
  static ExampleResult score_choices(const PreparedExample& example, const EvalResponses& responses);
};

}  // namespace mpt
