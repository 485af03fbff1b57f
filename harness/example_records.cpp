#include "harness/example_records.h"

#include <algorithm>
#include <tuple>

#include "common/sha256.h"
#include "tasks/dataset.h"
#include "tasks/task_kind.h"

namespace mpt {
namespace {

// Sort key of a metric name: known names first, pass@k by k, others alphabetically.
std::tuple<int, int64_t, std::string> metric_rank(const std::string& name) {
  if (name == "accuracy") return {0, 0, ""};
  if (name == "acc") return {1, 0, ""};
  if (name == "acc_norm") return {2, 0, ""};
  if (name.rfind("pass@", 0) == 0 && name.size() > 5 &&
      name.find_first_not_of("0123456789", 5) == std::string::npos && name.size() < 20)
    return {3, std::stoll(name.substr(5)), ""};
  return {4, 0, name};
}

std::string pieces_hash(const PromptPieces& p) {
  Sha256 h;
  auto field = [&h](const std::string& s) {
    h.update(std::to_string(s.size()) + ":");
    h.update(s);
  };
  field(p.preamble);
  field(std::to_string(p.contexts.size()));
  for (const std::string& c : p.contexts) field(c);
  field(std::to_string(p.continuations.size()));
  for (const std::string& c : p.continuations) field(c);
  return h.hex_digest();
}

// The data row as the task prepared it (after strip_dataset), keyed by LLM Foundry's column names.
nlohmann::json doc_json(const TaskKind& kind, const Dataset& data, int64_t row) {
  const size_t i = static_cast<size_t>(row);
  nlohmann::json doc = kind.row_json(data, i);
  if (!data.categories.empty()) doc["category"] = data.categories.at(i);
  return doc;
}

// The request texts: the model saw preamble + context, then each continuation (pieces are tokenized
// separately and concatenated); generation also keeps its stop sequences and token budget.
nlohmann::json prompt_json(const PreparedEval& eval, const PreparedExample& ex) {
  const PromptPieces& p = ex.prompt.pieces;
  nlohmann::json j = {{"preamble", p.preamble}, {"contexts", p.contexts}, {"continuations", p.continuations}};
  if (eval.spec.task->kind->request_form() == RequestForm::Generate && ex.num_requests > 0) {
    const GenerateRequest& g = eval.generate_requests.at(ex.first_request);
    j["until"] = g.stop;
    j["max_gen_toks"] = g.max_new_tokens;
  }
  return j;
}

}  // namespace

results::ExampleRecord example_record(const PreparedEval& eval, const ExampleResult& r) {
  const PreparedExample& ex = eval.examples.at(static_cast<size_t>(r.index));
  results::ExampleRecord row;
  row.example_index = r.index;
  row.prompt_hash = pieces_hash(ex.prompt.pieces);
  row.score = r.metric("accuracy").value_or(0.0);
  row.response = r.details.is_object() ? r.details : nlohmann::json::object();
  row.response["row"] = r.row;
  if (eval.spec.dataset) row.response["doc"] = doc_json(*eval.spec.task->kind, *eval.spec.dataset, r.row);
  row.response["prompt"] = prompt_json(eval, ex);
  for (const MetricValue& m : r.metrics) row.metrics[m.name] = m.value;
  return row;
}

std::vector<ExampleResult> results_from_records(const std::vector<results::ExampleRecord>& rows) {
  std::vector<ExampleResult> out;
  out.reserve(rows.size());
  for (const results::ExampleRecord& row : rows) {
    ExampleResult r;
    r.index = row.example_index;
    for (const auto& [name, value] : row.metrics.items())
      if (value.is_number()) r.metrics.push_back({name, value.get<double>()});
    std::stable_sort(r.metrics.begin(), r.metrics.end(),
                     [](const MetricValue& a, const MetricValue& b) { return metric_rank(a.name) < metric_rank(b.name); });
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<MetricSummary> order_metrics(std::vector<MetricSummary> metrics, const std::string& primary) {
  std::stable_sort(metrics.begin(), metrics.end(), [&](const MetricSummary& a, const MetricSummary& b) {
    return std::make_tuple(a.name != primary, metric_rank(a.name)) < std::make_tuple(b.name != primary, metric_rank(b.name));
  });
  return metrics;
}

}  // namespace mpt
