#include "tasks/code/completion_postprocess.h"

namespace mpt::code {
namespace {

constexpr std::pair<Postprocess, const char*> kNames[] = {
    {Postprocess::None, "none"}, {Postprocess::LlmFoundry, "llm-foundry"},
    {Postprocess::Codex, "codex"}, {Postprocess::Bigcode, "bigcode"}};

const std::vector<std::string>& codex_stops() {
  static const std::vector<std::string> stops = {"\nclass", "\ndef", "\n#", "\nif", "\nprint"};
  return stops;
}

const std::vector<std::string>& bigcode_stops() {
  static const std::vector<std::string> stops = {"\nclass", "\ndef", "\n#", "\n@", "\nprint", "\nif", "\n```",
                                                 "<file_sep>"};
  return stops;
}

bool foundry_new_line_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '#' || c == '`';
}

std::string cut_at_first(std::string_view s, const std::vector<std::string>& stops) {
  size_t cut = s.size();
  for (const std::string& stop : stops) cut = std::min(cut, s.find(stop));
  return std::string(s.substr(0, cut));
}

}  // namespace

const char* postprocess_name(Postprocess p) {
  for (const auto& [value, name] : kNames)
    if (value == p) return name;
  return "unknown";
}

std::optional<Postprocess> parse_postprocess(std::string_view name) {
  for (const auto& [value, n] : kNames)
    if (name == n) return value;
  return std::nullopt;
}

std::string postprocess_names() {
  std::string out;
  for (const auto& [value, name] : kNames) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

std::string postprocess_completion(Postprocess p, std::string_view completion) {
  switch (p) {
    case Postprocess::None:
      return std::string(completion);
    case Postprocess::LlmFoundry:
      for (size_t i = 0; i + 1 < completion.size(); ++i)
        if (completion[i] == '\n' && foundry_new_line_start(completion[i + 1])) return std::string(completion.substr(0, i));
      return std::string(completion);
    case Postprocess::Codex:
      return cut_at_first(completion, codex_stops());
    case Postprocess::Bigcode:
      return cut_at_first(completion, bigcode_stops());
  }
  return std::string(completion);
}

std::vector<std::string> generation_stop_sequences(Postprocess p) {
  switch (p) {
    case Postprocess::None:
      return {};
    case Postprocess::LlmFoundry: {
      std::vector<std::string> stops;
      for (int c = 0; c < 128; ++c)
        if (foundry_new_line_start(static_cast<char>(c))) stops.push_back(std::string("\n") + static_cast<char>(c));
      return stops;
    }
    case Postprocess::Codex:
      return codex_stops();
    case Postprocess::Bigcode:
      return bigcode_stops();
  }
  return {};
}

}  // namespace mpt::code
