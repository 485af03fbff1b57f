#include "tests/tasks/task_test_support.h"

#include <fstream>
#include <random>

namespace mpt::test {

WordTokenizer::WordTokenizer(bool add_bos_eos, bool join_space) : add_bos_eos_(add_bos_eos), join_space_(join_space) {
  encode("<eos>");
  encode("<bos>");
}

std::vector<std::string> WordTokenizer::split(std::string_view text) const {
  std::vector<std::string> out;
  size_t i = 0;
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\t'; };
  while (i < text.size()) {
    size_t start = i;
    if (join_space_ && text[i] == ' ' && i + 1 < text.size() && !is_space(text[i + 1])) ++i;  // a leading space joins the word
    if (is_space(text[i])) {
      out.emplace_back(text.substr(start, i + 1 - start));
      i = i + 1;
      continue;
    }
    while (i < text.size() && !is_space(text[i])) ++i;
    out.emplace_back(text.substr(start, i - start));
  }
  return out;
}

Tokens WordTokenizer::encode(std::string_view text) const {
  Tokens out;
  for (const std::string& w : split(text)) {
    auto [it, fresh] = ids_.emplace(w, static_cast<TokenId>(words_.size()));
    if (fresh) words_.push_back(w);
    out.push_back(it->second);
  }
  return out;
}

Tokens WordTokenizer::encode_with_special_tokens(std::string_view text) const {
  Tokens ids = encode(text);
  if (!add_bos_eos_) return ids;
  ids.insert(ids.begin(), 1);
  ids.push_back(0);
  return ids;
}

std::string WordTokenizer::decode(const Tokens& ids) const {
  std::string s;
  for (TokenId id : ids)
    if (id > 1) s += words_.at(static_cast<size_t>(id));
  return s;
}

ScratchDir::ScratchDir() {
  std::random_device rd;
  dir_ = std::filesystem::temp_directory_path() / ("mpt-tasks-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(dir_);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string ScratchDir::write(const std::string& name, const std::string& content) const {
  std::filesystem::path p = dir_ / name;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

}  // namespace mpt::test
