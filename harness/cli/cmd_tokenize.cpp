// `mpt-eval tokenize`: encode text to token ids, or decode ids to text, with the GPT-NeoX tokenizer
// (or any byte-level BPE tokenizer.json). Text passes through byte for byte: --text as given, or all
// of standard input; nothing is trimmed or re-encoded.
//
//   mpt-eval tokenize --text "Hello world"        -> 12092 1533
//   printf 'a\tb\n' | mpt-eval tokenize            -> ids of "a\tb\n"
//   mpt-eval tokenize --decode "12092 1533"        -> Hello world   (exact bytes, no newline added)
#include <cstdio>
#include <memory>
#include <string>

#include "common/error.h"
#include "harness/cli/subcommands.h"
#include "models/tokenizer/tokenizer.h"

namespace mpt::cli {
namespace {

struct TokenizeFlags {
  std::string tokenizer_file;
  std::string model_dir;
  std::string text;
  std::string decode;
  bool no_skip_special = false;
  bool clean_up_spaces = false;
};

std::string read_stdin() {
  std::string data;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) data.append(buf, n);
  if (std::ferror(stdin)) throw runtime_error("cannot read standard input");
  return data;
}

// "5 9 13", "5,9,13" or "[5, 9, 13]".
Tokens parse_ids(const std::string& list) {
  Tokens ids;
  size_t i = 0;
  while (i < list.size()) {
    char c = list[i];
    if (c == ' ' || c == ',' || c == '\t' || c == '\n' || c == '[' || c == ']') {
      ++i;
      continue;
    }
    size_t end = i;
    if (list[end] == '-') ++end;
    while (end < list.size() && list[end] >= '0' && list[end] <= '9') ++end;
    std::string word = list.substr(i, end - i);
    if (word.empty() || word == "-" || (end < list.size() && list.find_first_of(" ,\t\n[]", end) != end))
      throw input_error("bad token id in --decode", "", "integers separated by spaces or commas",
                        quote_excerpt(list.substr(i, list.find_first_of(" ,\t\n[]", i) - i)));
    // More than 11 characters cannot be a 32-bit id (and could overflow stoll).
    long long v = word.size() <= 11 ? std::stoll(word) : 0;
    if (word.size() > 11 || v < INT32_MIN || v > INT32_MAX)
      throw input_error("token id out of range in --decode", "", "a 32-bit integer", word);
    ids.push_back(static_cast<TokenId>(v));
    i = end;
  }
  return ids;
}

void write_stdout(const std::string& s) {
  if (std::fwrite(s.data(), 1, s.size(), stdout) != s.size() || std::fflush(stdout) != 0)
    throw runtime_error("cannot write standard output");
}

}  // namespace

Action attach_tokenize(CLI::App& app) {
  auto o = std::make_shared<TokenizeFlags>();
  auto* file = app.add_option("--tokenizer", o->tokenizer_file,
                              "tokenizer.json to use (default: the bundled GPT-NeoX-20B tokenizer)");
  app.add_option("--model", o->model_dir, "checkpoint directory: its tokenizer.json, else the bundled one")
      ->excludes(file);
  auto* text = app.add_option("--text", o->text, "text to encode, byte for byte (default: all of standard input)");
  auto* decode = app.add_option("--decode", o->decode, "decode these ids (\"5 9 13\" or \"5,9,13\") instead of encoding")
                     ->excludes(text);
  app.add_flag("--no-skip-special", o->no_skip_special, "decode: keep special tokens such as <|endoftext|>");
  app.add_flag("--clean-up-spaces", o->clean_up_spaces,
               "decode: apply transformers' clean_up_tokenization (\" .\" -> \".\", \" n't\" -> \"n't\", ...)");
  app.footer("Encoding prints the ids on one line, separated by spaces. Decoding prints the text exactly,\n"
             "with no newline added. A held-back HF parity set is checked through this command.");
  return [o, text, decode]() -> int {
    Tokenizer tok = !o->tokenizer_file.empty() ? Tokenizer::from_file(o->tokenizer_file)
                    : !o->model_dir.empty()    ? Tokenizer::from_model_dir(o->model_dir)
                                               : Tokenizer::bundled();
    if (decode->count() > 0) {
      write_stdout(tok.decode(parse_ids(o->decode), !o->no_skip_special, o->clean_up_spaces));
      return kExitOk;
    }
    Tokens ids = tok.encode(text->count() > 0 ? o->text : read_stdin());
    std::string line;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i > 0) line += ' ';
      line += std::to_string(ids[i]);
    }
    write_stdout(line + "\n");
    return kExitOk;
  };
}

}  // namespace mpt::cli
