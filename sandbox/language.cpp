#include "sandbox/language.h"

#include <unistd.h>

#include "common/error.h"

namespace mpt::sandbox {

const Language& cpp_language();
const Language& javascript_language();

std::vector<const Language*> all_languages() {
  // One line per language (each defined in sandbox/languages/<name>.cpp).
  return {&cpp_language(), &javascript_language()};
}

const Language* find_language(const std::string& name) {
  for (const Language* l : all_languages()) {
    if (l->name == name) return l;
    for (const std::string& a : l->aliases)
      if (a == name) return l;
  }
  return nullptr;
}

std::string canonical_language(const std::string& name) {
  if (name.empty() || name == "python") return "python";
  const Language* l = find_language(name);
  return l ? l->name : name;
}

namespace {

std::string known_languages() {
  std::string out = "python";
  for (const Language* l : all_languages()) out += ", " + l->name;
  return out;
}

const Language& require_language(const std::string& name, const std::string& where) {
  const Language* l = find_language(name);
  if (!l) throw input_error("unknown language '" + name + "'", where, "one of " + known_languages(), name);
  return *l;
}

}  // namespace

Config prepare_languages(Config config) {
  std::vector<std::string> done;
  for (const std::string& name : std::vector<std::string>(config.languages)) {
    if (canonical_language(name) == "python") continue;
    const Language& l = require_language(name, "sandbox languages");
    bool seen = false;
    for (const std::string& d : done) seen = seen || d == l.name;
    if (seen) continue;
    done.push_back(l.name);
    for (const std::string& tool : l.tools)
      if (access(tool.c_str(), X_OK) != 0)
        throw runtime_error("the " + l.name + " toolchain is missing", tool, "an executable (see scripts/bootstrap)",
                            "not found");
    if (l.prepare) l.prepare(config);
  }
  return config;
}

Recipe program_recipe(const Program& program, const Config& config, double timeout) {
  return require_language(program.language, "program language").recipe(program.solution, config, timeout);
}

double recipe_wall_seconds(const Recipe& recipe) {
  double total = 1.0;
  for (const BuildStep& s : recipe.steps) total += s.timeout_seconds;
  return total;
}

}  // namespace mpt::sandbox
