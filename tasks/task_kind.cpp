// TaskKind's defaults: what a kind without settings, prompt document keys, preparation or listing
// extras of its own does.
#include "tasks/task_kind.h"

#include "tasks/task_entry.h"

namespace mpt {

void TaskKind::parse_entry(const YamlMap& entry, TaskConfig& task) const {
  task.generation = parse_generation_kwargs(entry, GenerationSettings{});
}

void TaskKind::prompt_delimiter_settings(nlohmann::ordered_json&, const TaskConfig&) const {}
void TaskKind::prompt_data_settings(nlohmann::ordered_json&, const EvalSpec&) const {}
void TaskKind::prepare(PreparedEval&, const TokenizerInterface&) const {}
void TaskKind::add_run_settings(nlohmann::json&, const PreparedEval&) const {}
std::string TaskKind::listing_summary(const PreparedEval&) const { return ""; }
std::string TaskKind::continuation_name(size_t) const { return "continuation"; }
std::string TaskKind::listing_details(const PreparedExample&) const { return ""; }

}  // namespace mpt
