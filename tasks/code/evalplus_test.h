// HumanEval+ (EvalPlus, evalplus/humanevalplus_release v0.1.10): the check() that EvalPlus's
// evaluation amounts to, as Python source for the sandbox's trusted checker (split-process: the
// candidate's answers arrive as plain data and are compared here, never in the candidate's process).
//
// EvalPlus (evalplus/evalplus at 26d6d00bb1fd0fa37f39c99d5290da67891d1c5e: evaluate.py
// get_groundtruth, gen/util trusted_exec, eval/__init__.py untrusted_check and unsafe_execute):
//   expected[i], t[i] = canonical(*deepcopy(input[i])), its wall time   (prompt + canonical_solution)
//   limit[i]          = max(DEFAULT_MIN_TIME_LIMIT 4.0, DEFAULT_GT_TIME_LIMIT_FACTOR 4.0 * t[i])
//   per input: out = candidate(*input[i]) within limit[i]; exact = out == expected[i];
//     find_zero: |poly(input, out)| <= atol instead;
//     if atol == 0 and expected[i] is a float (or a non-empty list/tuple of floats): atol = 1e-6
//       (and it stays so for the following inputs, as in EvalPlus's loop);
//     if not exact and atol != 0: same type, same length for lists/tuples, and
//       numpy.allclose(out, expected, rtol=1e-07, atol=atol); else exact must hold.
// The program passes when every input passes. "base" uses base_input, "plus" plus_input; EvalPlus's
// plus result is base and plus both passing.
//
// The expected outputs and canonical times come from a cache computed once per dataset file
// (evalplus_cache.h: the expected-output program below, run in the sandbox) where they encode to at
// most kEvalPlusExpectedLimitBytes; a string output longer than kEvalPlusDigestChars is cached as its
// SHA-256 and length (HumanEval/15's plus outputs, 147 MB of strings, become 541 KB), compared as
// digests (exact: a string equals only a string). Larger sets (HumanEval/100's and 130's plus
// outputs, 8 and 90 MB of numbers) are computed by the checker in each program, input by input, as
// without the cache. The canonical time t[i] includes sending its answer across the process boundary as plain data (the
// candidate's answer must cross it too; measured only when a call reaches max(4 s, 4 t)).
#pragma once

#include <cstdint>
#include <string>

#include "tasks/code/code_problem.h"

namespace mpt::code {

// Throws mpt::Error (Input) for a problem that is not in EvalPlus's format. `expected`: a cache
// entry of the expected-output program's ("E" + base64 of the plain-data (outputs, times, digests)) for these
// inputs, embedded in the checker's text; nullptr: the checker computes them with the canonical
// solution. (The test text reaches the checker only: the zygote drops it in the candidate's process.)
std::string evalplus_check(const CodeProblem& problem, bool plus, const std::string* expected = nullptr);

// The test of the expected-output program: run in-process on prompt + canonical solution (trusted
// code from the dataset, inside the sandbox), it prints one line: "E" + base64 of the plain-data
// encoding of (outputs, times, digests) for the base or plus inputs, or "L<bytes>" when they encode to more
// than kEvalPlusExpectedLimitBytes or are not plain data of exact types ("L-1").
std::string evalplus_expected_test(const CodeProblem& problem, bool plus);

// Expected outputs larger than this are not cached (the checker computes them): embedded in every
// program's request they would cost more to send and decode than to compute (HumanEval/100's plus
// outputs, 8 MB, take 0.08 s to compute), and HumanEval/130's 90 MB exceed the zygote's 64 MiB frame.
constexpr int64_t kEvalPlusExpectedLimitBytes = 4ll << 20;

// String outputs longer than this many characters are cached as their digest.
constexpr int64_t kEvalPlusDigestChars = 64 << 10;

// The wall clock one EvalPlus program gets: EvalPlus's per-task cap (60 s) + 1 s, plus as much for
// computing the expected outputs in the checker.
constexpr double kEvalPlusProgramSeconds = 122.0;

}  // namespace mpt::code
