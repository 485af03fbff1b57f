#include "tasks/code/code_problem.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string_view>

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

// The text of the top-level value of `key` in the JSON object `line`, as written (EvalPlus's inputs
// hold integers beyond 64 bits, which a parsed-and-dumped copy would turn into floats); "" if absent.
std::string raw_json_value(std::string_view line, const std::string& key) {
  int depth = 0;
  bool expect_key = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '"') {
      size_t end = i + 1;
      while (end < line.size() && line[end] != '"') end += line[end] == '\\' ? 2 : 1;
      if (depth == 1 && expect_key && line.substr(i + 1, end - i - 1) == key) {
        size_t start = line.find(':', end) + 1;
        while (start < line.size() && std::isspace(static_cast<unsigned char>(line[start]))) ++start;
        int d = 0;
        for (size_t j = start; j < line.size(); ++j) {
          char v = line[j];
          if (v == '"') {
            for (++j; j < line.size() && line[j] != '"';) j += line[j] == '\\' ? 2 : 1;
          } else if (v == '[' || v == '{') {
            ++d;
          } else if (v == ']' || v == '}') {
            if (--d < 0) return std::string(line.substr(start, j - start));
          } else if (v == ',' && d == 0) {
            return std::string(line.substr(start, j - start));
          }
          if (d == 0 && (v == ']' || v == '}')) return std::string(line.substr(start, j + 1 - start));
        }
        return "";
      }
      expect_key = false;
      i = end;
    } else if (c == '{' || c == '[') {
      ++depth;
      expect_key = c == '{' && depth == 1;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 1) {
      expect_key = true;
    }
  }
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
  if (obj.contains("plus_input")) {
    p.format = ProblemFormat::EvalPlus;
    p.test = require_string(obj, "test", where);
    for (const char* key : {"base_input", "plus_input"}) {
      const json& v = require_key(obj, key, where);
      if (!v.is_array() || v.empty() || !std::all_of(v.begin(), v.end(), [](const json& a) { return a.is_array(); }))
        throw input_error("wrong type for key '" + std::string(key) + "'", where, "a non-empty list of argument lists",
                          describe_json(v));
      (key[0] == 'b' ? p.base_inputs_json : p.plus_inputs_json) = v.dump();
      (key[0] == 'b' ? p.base_inputs : p.plus_inputs) = v.size();
    }
    const json& atol = require_key(obj, "atol", where);
    if (!atol.is_number() || atol.get<double>() < 0)
      throw input_error("wrong type for key 'atol'", where, "a number >= 0", describe_json(atol));
    p.atol = atol.get<double>();
    return p;
  }
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
  // EvalPlus's inputs as written in the file (see raw_json_value), in place of the re-serialised ones.
  if (std::any_of(problems.begin(), problems.end(), [](const CodeProblem& p) { return p.format == ProblemFormat::EvalPlus; })) {
    std::string text = read_file(path);
    std::vector<std::string_view> lines;
    for (size_t pos = 0; pos <= text.size();) {
      size_t end = std::min(text.find('\n', pos), text.size());
      lines.emplace_back(text.data() + pos, end - pos);
      pos = end + 1;
    }
    for (CodeProblem& p : problems) {
      if (p.format != ProblemFormat::EvalPlus) continue;
      size_t line = std::stoul(p.where.substr(p.where.rfind(':') + 1));
      std::string base = line <= lines.size() ? raw_json_value(lines[line - 1], "base_input") : "";
      std::string plus = line <= lines.size() ? raw_json_value(lines[line - 1], "plus_input") : "";
      if (parse_json(base, p.where).size() != p.base_inputs || parse_json(plus, p.where).size() != p.plus_inputs)
        throw input_error("cannot read the inputs as written", p.where, "base_input and plus_input lists", "other text");
      p.base_inputs_json = std::move(base);
      p.plus_inputs_json = std::move(plus);
    }
  }
  return problems;
}

const char* format_name(ProblemFormat f) {
  return f == ProblemFormat::OpenAI ? "openai" : f == ProblemFormat::LlmFoundry ? "llm-foundry" : "evalplus";
}

}  // namespace mpt::code
