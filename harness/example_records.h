// Per-example results to store rows and back. Aggregates are always computed from stored rows
// (results/store.h), so both directions fix one metric order: accuracy, acc, acc_norm, pass@k by
// k, then any other name alphabetically.
#pragma once

#include <string>
#include <vector>

#include "results/records.h"
#include "tasks/example_result.h"
#include "tasks/prepared_eval.h"

namespace mpt {

// The row of an ICL example: score = its accuracy, response = the scoring details, the data row
// ("row": its index, "doc": its fields as prepared) and the request texts ("prompt": preamble,
// contexts, continuations; generation: until, max_gen_toks), metrics = every per-example metric, prompt_hash = sha256 of its prompt pieces (text, so
// independent of the model and the tokenizer).
results::ExampleRecord example_record(const PreparedEval& eval, const ExampleResult& result);

// Stored rows as results (metrics in the order above), for tasks' aggregate().
std::vector<ExampleResult> results_from_records(const std::vector<results::ExampleRecord>& rows);

// The summaries with the primary metric first, then the order above.
std::vector<MetricSummary> order_metrics(std::vector<MetricSummary> metrics, const std::string& primary);

}  // namespace mpt
