// LLM Foundry's exact-match scoring of generated answers
// (InContextLearningGenerationExactMatchAccuracy in llmfoundry/eval/metrics/nlp.py), per example.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mpt {

// normalize_answer (from the TriviaQA evaluation script): '_' -> ' ', Python lower(), each
// character of string.punctuation and of ‘ ’ ´ ` -> ' ', whole words a/an/the (re `\b(a|an|the)\b`)
// -> ' ', whitespace runs collapsed to one space (str.split), then strip().
std::string normalize_answer(std::string_view answer);

// re.split('|'.join(stop_sequences), text)[0]: the text before the first match. LLM Foundry joins
// the stop strings into a regular expression without escaping them, so a stop string with regex
// metacharacters acts as a pattern; this uses std::regex (ECMAScript), which agrees with Python's
// `re` on plain strings and common syntax. No stop sequences: the text unchanged.
// Throws mpt::Error (Input) when the joined pattern is not a valid regular expression.
std::string cut_at_stop_sequences(const std::string& text, const std::vector<std::string>& stop_sequences);
// Validates that the stop sequences form a valid pattern (for configuration checks); `where` names
// the configuration key in the error.
void check_stop_sequences(const std::vector<std::string>& stop_sequences, const std::string& where);

struct AnswerJudgement {
  std::string final_answer;   // after the stop cut and the chain-of-thought split, before cleaning
  std::string cleaned_output;  // normalized (or stripped) final answer
  std::vector<std::string> cleaned_labels;
  bool correct = false;  // cleaned_output starts with some cleaned label
};

// Scores one generation: cut at the stop sequences, keep the text after the last cot_delimiter
// (when non-empty), normalize output and labels (or only strip() them when !do_normalization),
// correct when the output starts with any label. Note that a label that cleans to "" matches
// every output, as in LLM Foundry.
AnswerJudgement judge_answer(const std::string& generated, const std::vector<std::string>& labels,
                             const std::vector<std::string>& stop_sequences, const std::string& cot_delimiter,
                             bool do_normalization);

}  // namespace mpt
