#include "tasks/code/evalplus_test.h"

#include <cstdio>

#include "common/error.h"
#include "tasks/code/program_assembly.h"

namespace mpt::code {
namespace {

// Runs in the checker after the prompt (trusted). Names start with _mpt_ so that the prompt's own
// names are untouched. The canonical solution runs in a namespace of its own.
constexpr const char* kCheck = R"(
def check(candidate):
    import copy as _mpt_copy, json as _mpt_json, math as _mpt_math, signal as _mpt_signal, time as _mpt_time
    import __main__ as _mpt_zygote
    _mpt_inputs = _mpt_json.loads(_MPT_INPUTS)
    atol = _MPT_ATOL
    # The expected outputs and canonical times: from the cache (computed once per dataset by the
    # canonical solution in the sandbox; plain data, base64) where the harness gave them, else
    # computed here, input by input. A long string output is cached as its SHA-256 and length
    # (digests[i]; outputs[i] is None): a string equals only a string, so comparing digests
    # decides `out == expected` exactly as comparing the strings would.
    _mpt_cached = None
    if _MPT_EXPECTED is not None:
        import base64 as _mpt_base64
        _mpt_cached = _mpt_zygote.plain_decode(_mpt_base64.b64decode(_MPT_EXPECTED))
        if not (type(_mpt_cached) is tuple and len(_mpt_cached) == 3 and
                all(type(x) is list and len(x) == len(_mpt_inputs) for x in _mpt_cached)):
            raise RuntimeError('the cached expected outputs do not match the inputs')
    else:
        _mpt_ref = {}
        exec(_MPT_CANONICAL, _mpt_ref)
        _mpt_fn = _mpt_ref[_MPT_ENTRY]

    def _mpt_is_floats(x):
        if isinstance(x, float):
            return True
        if isinstance(x, (list, tuple)) and x:
            return all(isinstance(i, float) for i in x)
        return False

    def _mpt_numbers(x):
        # numpy.asarray's view of plain data for allclose: numbers (bools count), nested lists
        if isinstance(x, (bool, int, float)):
            return float(x)
        if isinstance(x, (list, tuple)):
            return [_mpt_numbers(i) for i in x]
        raise TypeError('not numeric: %s' % type(x).__name__)

    def _mpt_close(a, b, atol):
        # numpy.allclose(a, b, rtol=1e-07, atol=atol): |a - b| <= atol + rtol * |b| everywhere
        # (broadcasting a scalar against a list), NaN never close, equal infinities close
        if isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                if len(a) == 1:
                    a = a * len(b)
                elif len(b) == 1:
                    b = b * len(a)
                else:
                    return False
            return all(_mpt_close(x, y, atol) for x, y in zip(a, b))
        if isinstance(a, list):
            return all(_mpt_close(x, b, atol) for x in a)
        if isinstance(b, list):
            return all(_mpt_close(a, y, atol) for y in b)
        if _mpt_math.isinf(a) or _mpt_math.isinf(b):
            return a == b
        return abs(a - b) <= atol + 1e-07 * abs(b)

    def _mpt_poly(xs, x):
        return sum([coeff * _mpt_math.pow(x, i) for i, coeff in enumerate(xs)])

    # The answer crosses from the candidate's process as plain data (split-process checking): the
    # reference time includes encoding and decoding the expected answer that way (the zygote's
    # codec, its __main__), so a large answer (a list of a million ints) is not timed out by the
    # crossing alone.
    _mpt_encode = getattr(_mpt_zygote, 'plain_encode', None)
    _mpt_decode = getattr(_mpt_zygote, 'plain_decode', None)

    def _mpt_crossing(value):
        if _mpt_encode is None or _mpt_decode is None:
            return 0.0
        _mpt_start = _mpt_time.time()
        try:
            _mpt_decode(_mpt_encode(value, False))
        except Exception:
            pass
        return _mpt_time.time() - _mpt_start

    # The limit of a call is max(4 s, 4 x (canonical time + crossing time)). Most calls end well
    # within 4 s, so the crossing is measured only when a call reaches the limit set without it
    # (measuring it up front for every input cost as much as computing all the expected outputs:
    # HumanEval/130's and 100's answers are lists of up to a million numbers). The call then gets
    # the limit it would have had from the start, counted from its start, plus the time the
    # measurement itself took, so it is never given less than before.
    _mpt_call = {}

    def _mpt_alarm(signum, frame):
        _mpt_pending = _mpt_call.pop('expected', None)
        if _mpt_pending is not None:
            _mpt_measured = _mpt_time.time()
            # A digested string crosses as a stand-in of its length (the crossing of a str costs
            # by its length).
            _mpt_value = _mpt_pending[0] if _mpt_pending[1] is None else '0' * _mpt_pending[1][1]
            _mpt_limit = max(4.0, 4.0 * (_mpt_call['seconds'] + _mpt_crossing(_mpt_value)))
            _mpt_now = _mpt_time.time()
            _mpt_left = _mpt_call['start'] + _mpt_limit + (_mpt_now - _mpt_measured) - _mpt_now
            if _mpt_left > 0:
                _mpt_call['limit'] = _mpt_limit
                _mpt_signal.setitimer(_mpt_signal.ITIMER_REAL, _mpt_left)
                return
        raise TimeoutError('time limit exceeded')

    _mpt_signal.signal(_mpt_signal.SIGALRM, _mpt_alarm)
    for _mpt_i, _mpt_input in enumerate(_mpt_inputs):
        _mpt_digest = None
        if _mpt_cached is not None:
            _mpt_exp, _mpt_seconds = _mpt_cached[0][_mpt_i], _mpt_cached[1][_mpt_i]
            _mpt_digest = _mpt_cached[2][_mpt_i]
            if _mpt_digest is not None and not (type(_mpt_digest) is tuple and len(_mpt_digest) == 2 and
                                                type(_mpt_digest[0]) is str and type(_mpt_digest[1]) is int):
                raise RuntimeError('the cached digest of input %d is not (sha256, length)' % _mpt_i)
        else:
            _mpt_start = _mpt_time.time()
            _mpt_exp = _mpt_fn(*_mpt_copy.deepcopy(_mpt_input))
            _mpt_seconds = _mpt_time.time() - _mpt_start
        _mpt_call.clear()
        _mpt_call.update(expected=(_mpt_exp, _mpt_digest), seconds=_mpt_seconds, limit=max(4.0, 4.0 * _mpt_seconds),
                         start=_mpt_time.time())
        _mpt_signal.setitimer(_mpt_signal.ITIMER_REAL, _mpt_call['limit'])
        try:
            _mpt_out = candidate(*_mpt_input)
        except TimeoutError:
            raise AssertionError('input %d: time limit exceeded (%.1f s)' % (_mpt_i, _mpt_call['limit'])) from None
        finally:
            _mpt_signal.setitimer(_mpt_signal.ITIMER_REAL, 0)
        if _MPT_ENTRY == 'find_zero':
            assert abs(_mpt_poly(*_mpt_input, _mpt_out)) <= atol, 'input %d: not a zero' % _mpt_i
            continue
        if _mpt_digest is not None:
            _mpt_exact = (type(_mpt_out) is str and len(_mpt_out) == _mpt_digest[1] and
                          _mpt_zygote.plain_str_digest(_mpt_out) == _mpt_digest)
            _mpt_exp = ''   # a str: what follows needs only its type
        else:
            _mpt_exact = _mpt_out == _mpt_exp
        if atol == 0 and _mpt_is_floats(_mpt_exp):
            atol = 1e-6
        if not _mpt_exact and atol != 0:
            assert type(_mpt_out) == type(_mpt_exp), 'input %d: type %s, expected %s' % (
                _mpt_i, type(_mpt_out).__name__, type(_mpt_exp).__name__)
            if isinstance(_mpt_exp, (list, tuple)):
                assert len(_mpt_out) == len(_mpt_exp), 'input %d: length %d, expected %d' % (
                    _mpt_i, len(_mpt_out), len(_mpt_exp))
            try:
                _mpt_ok = _mpt_close(_mpt_numbers(_mpt_out), _mpt_numbers(_mpt_exp), atol)
            except TypeError:
                _mpt_ok = False
            assert _mpt_ok, 'input %d: not close to the expected output (atol %g)' % (_mpt_i, atol)
        else:
            assert _mpt_exact, 'input %d: wrong output' % _mpt_i
)";

// The expected-output program's test (run in-process: solution = prompt + canonical solution, so
// `candidate` is the canonical function): every output and its time, as get_groundtruth and the
// checker compute them, then one line on stdout: "E" + base64 of the plain-data encoding of
// (outputs, times, digests), strict (exact types only, so that the checker's type comparisons see
// what the canonical solution returned), or "L<bytes>" when that would exceed _MPT_LIMIT bytes or
// the outputs are not plain data of exact types (-1): then the checker computes them itself. A str
// output longer than _MPT_DIGEST_CHARS is replaced by None and its digest (sha256 hex of its UTF-8,
// surrogates passed, and its length) goes to digests[i]; other digests are None.
constexpr const char* kExpected = R"(
def check(candidate):
    import base64 as _mpt_base64, copy as _mpt_copy, json as _mpt_json
    import sys as _mpt_sys, time as _mpt_time
    import __main__ as _mpt_zygote
    _mpt_outputs, _mpt_times, _mpt_digests, _mpt_size = [], [], [], 0
    for _mpt_input in _mpt_json.loads(_MPT_INPUTS):
        _mpt_start = _mpt_time.time()
        _mpt_exp = candidate(*_mpt_copy.deepcopy(_mpt_input))
        _mpt_times.append(_mpt_time.time() - _mpt_start)
        _mpt_digest = None
        if type(_mpt_exp) is str and len(_mpt_exp) > _MPT_DIGEST_CHARS:
            _mpt_digest = _mpt_zygote.plain_str_digest(_mpt_exp)
            _mpt_exp = None
        _mpt_digests.append(_mpt_digest)
        try:
            _mpt_size += len(_mpt_zygote.plain_encode(_mpt_exp, True))
        except Exception:
            _mpt_sys.stdout.write('L-1\n')
            return
        if _mpt_size > _MPT_LIMIT:   # (no need to compute the rest)
            _mpt_sys.stdout.write('L%d\n' % _mpt_size)
            return
        _mpt_outputs.append(_mpt_exp)
    _mpt_body = _mpt_zygote.plain_encode((_mpt_outputs, _mpt_times, _mpt_digests), True)
    _mpt_sys.stdout.write('E' + _mpt_base64.b64encode(_mpt_body).decode('ascii') + '\n')
)";

void require_evalplus(const CodeProblem& p) {
  if (p.format != ProblemFormat::EvalPlus)
    throw input_error("not a HumanEval+ problem", p.where, "EvalPlus's format (base_input, plus_input, atol)",
                      format_name(p.format));
}

}  // namespace

std::string evalplus_check(const CodeProblem& p, bool plus, const std::string* expected) {
  require_evalplus(p);
  char atol[64];
  std::snprintf(atol, sizeof atol, "%.17g", p.atol);
  std::string out;
  if (expected) {
    if (expected->empty() || (*expected)[0] != 'E')
      throw runtime_error("not cached expected outputs", p.task_id, "an 'E' entry of the expected-output cache",
                          expected->substr(0, 20));
    out += "_MPT_EXPECTED = '" + expected->substr(1) + "'\n";   // base64: nothing to escape
  } else {
    out += "_MPT_EXPECTED = None\n";
    out += "_MPT_CANONICAL = " + python_string_literal(p.prompt + p.canonical_solution) + "\n";
  }
  out += "_MPT_ENTRY = " + python_string_literal(p.entry_point) + "\n";
  out += "_MPT_INPUTS = " + python_string_literal(plus ? p.plus_inputs_json : p.base_inputs_json) + "\n";
  out += std::string("_MPT_ATOL = ") + atol + "\n";
  return out + kCheck;
}

std::string evalplus_expected_test(const CodeProblem& p, bool plus) {
  require_evalplus(p);
  std::string out = "_MPT_INPUTS = " + python_string_literal(plus ? p.plus_inputs_json : p.base_inputs_json) + "\n";
  out += "_MPT_LIMIT = " + std::to_string(kEvalPlusExpectedLimitBytes) + "\n";
  out += "_MPT_DIGEST_CHARS = " + std::to_string(kEvalPlusDigestChars) + "\n";
  return out + kExpected;
}

}  // namespace mpt::code
