#include "tasks/code/code_problem.h"

#include <map>

#include "common/error.h"
#include "common/jsonl.h"

namespace mpt::code {
namespace {

using nlohmann::json;

bool is_identifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

std::vector<std::string> require_string_list(const json& obj, const std::string& key, const std::string& where) {
  const json& v = require_key(obj, key, where);
  if (!v.is_array()) throw input_error("key '" + key + "' has the wrong type", where, "a list of strings", describe_json(v));
  std::vector<std::string> out;
  for (const json& item : v) {
    if (!item.is_string())
      throw input_error("key '" + key + "' has the wrong type", where, "a list of strings",
                        "an element " + describe_json(item));
    out.push_back(item.get<std::string>());
  }
  return out;
}

// LLM Foundry's files say "c++" and "javascript"; the sandbox's recipes are named cpp, javascript.
std::string canonical_problem_language(const std::string& name) {
  if (name == "python") return "python";
  if (name == "c++" || name == "cpp") return "cpp";
  if (name == "javascript" || name == "js") return "javascript";
  return "";
}

CodeProblem parse_problem(const json& obj, const std::string& where) {
  if (!obj.is_object()) throw input_error("not a problem", where, "a JSON object", describe_json(obj));
  CodeProblem p;
  p.where = where;
  p.task_id = require_string(obj, "task_id", where);
  p.prompt = require_string(obj, "prompt", where);
  p.canonical_solution = require_string(obj, "canonical_solution", where);
  p.entry_point = require_string(obj, "entry_point", where);
  if (!is_identifier(p.entry_point))
    throw input_error("invalid entry_point", where, "an identifier", quote_excerpt(p.entry_point));
  bool foundry = obj.contains("test_inputs") || obj.contains("test_outputs");
  // OpenAI's lines always have a test; LLM Foundry's may rely on test_inputs/test_outputs alone.
  p.test = foundry && !obj.contains("test") ? "" : require_string(obj, "test", where);
  if (foundry) {
    p.format = ProblemFormat::LlmFoundry;
    p.test_inputs = require_string_list(obj, "test_inputs", where);
    p.test_outputs = require_string_list(obj, "test_outputs", where);
    if (p.test_inputs.size() != p.test_outputs.size() || p.test_inputs.empty())
      throw input_error("test_inputs and test_outputs do not match", where, "two non-empty lists of equal length",
                        std::to_string(p.test_inputs.size()) + " inputs and " + std::to_string(p.test_outputs.size()) +
                            " outputs");
    std::string language = obj.contains("language") ? require_string(obj, "language", where) : "python";
    p.language = canonical_problem_language(language);
    if (p.language.empty())
      throw input_error("unsupported language", where, "python, c++ (cpp) or javascript (js)", language);
  }
  return p;
}

}  // namespace

std::vector<CodeProblem> load_code_problems(const std::string& path) {
  std::vector<CodeProblem> problems;
  std::map<std::string, std::string> seen;  // task_id -> where
  for_each_jsonl(path, [&](const json& obj, int line) {
    std::string where = path + ":" + std::to_string(line);
    CodeProblem p = parse_problem(obj, where);
    auto [it, fresh] = seen.emplace(p.task_id, where);
    if (!fresh) throw input_error("duplicate task_id '" + p.task_id + "'", where, "unique task ids", "also at " + it->second);
    problems.push_back(std::move(p));
  });
  if (problems.empty()) throw input_error("no problems", path, "at least one JSON line", "an empty file");
  return problems;
}

const char* format_name(ProblemFormat f) { return f == ProblemFormat::OpenAI ? "openai" : "llm-foundry"; }

}  // namespace mpt::code
