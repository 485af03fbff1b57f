// The batched (accelerator) executor of a scoring plan (scoring_plan.h): one forward pass per batch.
//
// Each group of the batch becomes one row laid out as
//     context ++ continuation_1[:-1] ++ continuation_2[:-1] ++ ...
// run by MptModel::hidden_branched: every continuation attends to the context and to itself only,
// with positions continuing after the context, so it computes exactly what context ++ continuation
// alone would (up to floating-point rounding), while the context is computed once for all of a
// multiple-choice question's choices, without a KV cache, copies or a second pass. Rows are
// right-padded to the batch's longest (plan_scoring packs groups longest first, so rows of a batch
// have similar lengths). Logits are computed only at the scored positions, in chunks, and stay on
// the device until one copy of the per-token log-probabilities and greedy flags per batch.
#pragma once

#include <vector>

#include "backend/scoring_plan.h"
#include "tasks/requests.h"

namespace mpt {

class MptModel;

// Scores every continuation of the groups of `batch` and answers their requests in `out`, calling
// `on_response` for each. `contexts[i]` is the context to use for group batch.groups[i] (the
// caller substitutes a start token for an empty context). Errors: mpt::Error from the model.
void score_batch_branched(const MptModel& model, const ScoringPlan& plan, const ScoringBatch& batch,
                          const std::vector<Tokens>& contexts, std::vector<LoglikelihoodResponse>& out,
                          const LanguageModel::LoglikelihoodCallback& on_response);

}  // namespace mpt
