#include "tasks/answer_match.h"

#include <regex>

#include "common/error.h"
#include "tasks/python_str.h"

namespace mpt {
namespace {

bool is_excluded_punctuation(char32_t c) {
  // string.punctuation plus the four quote-like characters LLM Foundry adds.
  static constexpr std::u32string_view kPunct = U"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\u2018\u2019\u00b4`";
  return kPunct.find(c) != std::u32string_view::npos;
}

std::string join_pattern(const std::vector<std::string>& stops) {
  std::string pattern;
  for (size_t i = 0; i < stops.size(); ++i) {
    if (i) pattern += '|';
    pattern += stops[i];
  }
  return pattern;
}

std::regex compile(const std::vector<std::string>& stops, const std::string& where) {
  std::string pattern = join_pattern(stops);
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw input_error("stop sequences do not form a valid regular expression", where,
                      "strings that joined with '|' make a valid pattern (LLM Foundry splits with re.split)",
                      quote_excerpt(pattern) + " (" + e.what() + ")");
  }
}

}  // namespace

std::string normalize_answer(std::string_view answer) {
  std::u32string u = py::decode_utf8(answer);
  for (char32_t& c : u)
    if (c == U'_') c = U' ';
  u = py::decode_utf8(py::lower(py::encode_utf8(u)));
  for (char32_t& c : u)
    if (is_excluded_punctuation(c)) c = U' ';
  // \b(a|an|the)\b: a match must be a whole maximal run of word characters.
  std::u32string no_articles;
  size_t i = 0;
  while (i < u.size()) {
    if (!py::is_word_char(u[i])) {
      no_articles.push_back(u[i++]);
      continue;
    }
    size_t start = i;
    while (i < u.size() && py::is_word_char(u[i])) ++i;
    std::u32string_view word(u.data() + start, i - start);
    if (word == U"a" || word == U"an" || word == U"the") no_articles.push_back(U' ');
    else no_articles.append(word);
  }
  std::string joined;
  for (const std::string& w : py::split_whitespace(py::encode_utf8(no_articles))) {
    if (!joined.empty()) joined += ' ';
    joined += w;
  }
  return py::strip(joined);
}

void check_stop_sequences(const std::vector<std::string>& stop_sequences, const std::string& where) {
  if (!stop_sequences.empty()) compile(stop_sequences, where);
}

std::string cut_at_stop_sequences(const std::string& text, const std::vector<std::string>& stop_sequences) {
  if (stop_sequences.empty()) return text;
  std::regex re = compile(stop_sequences, "early_stopping_criteria");
  std::smatch m;
  if (!std::regex_search(text, m, re)) return text;
  return text.substr(0, static_cast<size_t>(m.position(0)));
}

AnswerJudgement judge_answer(const std::string& generated, const std::vector<std::string>& labels,
                             const std::vector<std::string>& stop_sequences, const std::string& cot_delimiter,
                             bool do_normalization) {
  AnswerJudgement j;
  j.final_answer = cut_at_stop_sequences(generated, stop_sequences);
  if (!cot_delimiter.empty()) j.final_answer = py::after_last(j.final_answer, cot_delimiter);
  j.cleaned_output = do_normalization ? normalize_answer(j.final_answer) : py::strip(j.final_answer);
  for (const std::string& label : labels)
    j.cleaned_labels.push_back(do_normalization ? normalize_answer(label) : py::strip(label));
  for (const std::string& label : j.cleaned_labels)
    if (py::startswith(j.cleaned_output, label)) j.correct = true;
  return j;
}

}  // namespace mpt
