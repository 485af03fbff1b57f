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
// Deviations: the expected outputs and canonical times are computed by the checker in each program
// (trusted code, on the machine and under the load the candidate meets), not once and cached; the
// canonical time t[i] includes sending its answer across the process boundary as plain data (the
// candidate's answer must cross it too).
#pragma once

#include <string>

#include "tasks/code/code_problem.h"

namespace mpt::code {

// Throws mpt::Error (Input) for a problem that is not in EvalPlus's format.
std::string evalplus_check(const CodeProblem& problem, bool plus);

// The wall clock one EvalPlus program gets: EvalPlus's per-task cap (60 s) + 1 s, plus as much for
// computing the expected outputs in the checker.
constexpr double kEvalPlusProgramSeconds = 122.0;

}  // namespace mpt::code
