// The HumanEval+ expected-output cache: per dataset file, per problem and input set (base, plus),
// the entry the expected-output program printed (evalplus_test.h: "E" + base64 of the plain-data
// (outputs, times, digests), or "L<bytes>" for outputs the checker computes itself). Files only: computing
// the entries (in the sandbox) is the caller's.
//
//   <cache root>/evalplus-expected-<key>/<task_id, '/' as '_'>.<base|plus>   (directory 0700)
//   file = "mpt-eval evalplus expected v3 <length> <sha256 hex>\n" + entry
//
// key: sha256 of the dataset file's bytes, the interpreter (its real path, size and mtime), the
// size limit and the format version: another dataset, interpreter or limit gets another directory.
// An entry whose length, hash or form does not check out is removed and reported as damaged (the
// caller computes it again); entries are written to a temporary file and renamed into place, so
// concurrent runs never see half an entry (the last writer wins with identical content).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mpt::code {

std::string evalplus_expected_key(const std::string& dataset_path, const std::string& interpreter);

class ExpectedOutputCache {
 public:
  // Creates `dir` (0700) when missing; throws mpt::Error (Runtime) when it cannot.
  explicit ExpectedOutputCache(std::string dir);
  const std::string& dir() const { return dir_; }
  std::string path(const std::string& task_id, bool plus) const;
  // The intact entry, or nullopt (absent, or damaged: then removed, logged, and counted).
  std::optional<std::string> read(const std::string& task_id, bool plus);
  // Throws mpt::Error (Input) for an entry not of the expected-output program's form.
  void write(const std::string& task_id, bool plus, const std::string& entry);
  int64_t damaged() const { return damaged_; }

  // "E" + base64 (non-empty, padded) or "L" + an integer.
  static bool valid_entry(const std::string& entry);

 private:
  std::string dir_;
  int64_t damaged_ = 0;
};

}  // namespace mpt::code
