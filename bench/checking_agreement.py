#!/usr/bin/env python3
"""Verdict agreement between split-process and in-process checking (docs/sandbox.md).

Writes wrong and hostile completions for every HumanEval problem: scripted mutations of the
canonical solution (off-by-one constants, swapped comparison and arithmetic operators, negated
conditions, a dropped last line, `return None`, raising), empty and garbage bodies, and hostile
ones (an always-equal object, exits, loops, memory, output floods); plus the canonical solutions
themselves. Scores them with `mpt-eval score-samples` once per checking mode and compares each
sample's `passed` and `verdict`.

    python3 bench/checking_agreement.py [--mpt-eval build/harness/mpt-eval] [--out DIR]

Prints the counts and every disagreement; exits 1 if a canonical solution fails in either mode.
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
PROBLEMS = os.path.join(HERE, "..", "data", "humaneval", "HumanEval.jsonl.gz")

# (name, old, new): the first occurrence of `old` in the canonical solution becomes `new`.
MUTATIONS = [
    ("off_by_one_plus", " + 1", " + 2"), ("off_by_one_minus", " - 1", " - 2"),
    ("range_start", "range(", "range(1 + 0 * "), ("lt_to_le", " < ", " <= "), ("gt_to_ge", " > ", " >= "),
    ("le_to_lt", " <= ", " < "), ("eq_to_ne", " == ", " != "), ("and_to_or", " and ", " or "),
    ("plus_to_minus", " + ", " - "), ("times_to_plus", " * ", " + "), ("true_to_false", "True", "False"),
    ("zero_to_one", "0", "1"), ("not_dropped", " not ", " "), ("sorted_reversed", "sorted(", "sorted(reverse=True, iterable="),
]

WHOLE_BODIES = [
    ("pass", "    pass\n"),
    ("return_none", "    return None\n"),
    ("raise", "    raise ValueError('mutated')\n"),
    ("garbage", "    ) the the of 1 2 3 = =\n"),
    ("always_equal", "    class A:\n        def __eq__(self, other):\n            return True\n"
                     "        def __ne__(self, other):\n            return False\n    return A()\n"),
    ("sys_exit", "    import sys\n    sys.exit(0)\n"),
    ("os_exit", "    import os\n    os._exit(0)\n"),
    ("memory", "    x = bytearray(8 << 30)\n"),
    ("print_flood", "    while True:\n        print('x' * 1000)\n"),
]
# The canonical answer, after which the function changes its list, dict and set arguments in place:
# in-process a test that looks at an argument again (or passes the same object twice) sees the
# change; split-process the arguments are copies. Counts the problems where that matters.
MUTATES_ARGUMENTS = (
    "\nimport copy as _mpt_copy\n_mpt_original = {entry}\n"
    "def {entry}(*args, **kwargs):\n"
    "    result = _mpt_copy.deepcopy(_mpt_original(*args, **kwargs))\n"
    "    for a in list(args) + list(kwargs.values()):\n"
    "        if isinstance(a, list):\n            a.append(None)\n"
    "        elif isinstance(a, (dict, set)):\n            a.clear()\n"
    "    return result\n")
SLOW_BODIES = [("loop", "    while True:\n        pass\n")]   # every 10th problem: each takes the timeout


def samples(problems):
    out = []
    for index, p in enumerate(problems):
        canon = p["canonical_solution"]
        out.append((p["task_id"], "canonical", canon))
        for name, old, new in MUTATIONS:
            if old in canon:
                out.append((p["task_id"], name, canon.replace(old, new, 1)))
        lines = canon.rstrip("\n").split("\n")
        if len(lines) > 1:
            out.append((p["task_id"], "last_line_dropped", "\n".join(lines[:-1]) + "\n"))
        out.append((p["task_id"], "mutates_arguments", canon + MUTATES_ARGUMENTS.format(entry=p["entry_point"])))
        for name, body in WHOLE_BODIES + (SLOW_BODIES if index % 10 == 0 else []):
            out.append((p["task_id"], name, body))
    return out


def score(mpt_eval, path, checking):
    r = subprocess.run([mpt_eval, "score-samples", "-q", "--samples", path, "--k", "1", "--checking", checking],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("%s failed (%d): %s" % (checking, r.returncode, r.stderr[-2000:]))
    with open(path + "_results.jsonl") as f:
        return [json.loads(line) for line in f], json.loads(r.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mpt-eval", default=os.path.join(HERE, "..", "build", "harness", "mpt-eval"))
    ap.add_argument("--out", default="/tmp/mpt-checking-agreement")
    args = ap.parse_args()
    with gzip.open(PROBLEMS, "rt") as f:
        problems = [json.loads(line) for line in f]
    rows = samples(problems)
    os.makedirs(args.out, exist_ok=True)
    results = {}
    for checking in ("split-process", "in-process"):
        path = os.path.join(args.out, "samples-%s.jsonl" % checking)
        with open(path, "w") as f:
            for task_id, kind, completion in rows:
                f.write(json.dumps({"task_id": task_id, "kind": kind, "completion": completion}) + "\n")
        results[checking], summary = score(args.mpt_eval, path, checking)
        print("%-14s wall %.1f s, verdicts %s" % (checking, summary["wall_seconds"], summary["verdicts"]))
    split, inproc = results["split-process"], results["in-process"]
    same_passed = sum(a["passed"] == b["passed"] for a, b in zip(split, inproc))
    same_verdict = sum(a["verdict"] == b["verdict"] for a, b in zip(split, inproc))
    wrong = [i for i, r in enumerate(rows) if r[1] not in ("canonical", "mutates_arguments")]
    print("samples: %d (%d canonical or argument-mutating, %d wrong or hostile)"
          % (len(rows), len(rows) - len(wrong), len(wrong)))
    print("wrong or hostile, same passed/failed: %d/%d, same verdict: %d/%d"
          % (sum(split[i]["passed"] == inproc[i]["passed"] for i in wrong), len(wrong),
             sum(split[i]["verdict"] == inproc[i]["verdict"] for i in wrong), len(wrong)))
    mut = [i for i, r in enumerate(rows) if r[1] == "mutates_arguments"]
    print("argument-mutating canonical answers passed: split-process %d/%d, in-process %d/%d"
          % (sum(split[i]["passed"] for i in mut), len(mut), sum(inproc[i]["passed"] for i in mut), len(mut)))
    print("same passed/failed: %d/%d; same verdict category: %d/%d" % (same_passed, len(rows), same_verdict, len(rows)))
    print("wrong or hostile passed: split-process %d, in-process %d"
          % (sum(split[i]["passed"] for i in wrong), sum(inproc[i]["passed"] for i in wrong)))
    kinds = Counter()
    for i, (task_id, kind, _) in enumerate(rows):
        if split[i]["passed"] != inproc[i]["passed"] or split[i]["verdict"] != inproc[i]["verdict"]:
            kinds[kind] += 1
            print("  differs: %-14s %-18s split %-8s %-60.60s | in-process %-8s %.60s"
                  % (task_id, kind, split[i]["verdict"], split[i]["result"], inproc[i]["verdict"], inproc[i]["result"]))
    print("differences by kind:", dict(kinds))
    canon_fail = [rows[i][0] for i in range(len(rows)) if rows[i][1] == "canonical"
                  and not (split[i]["passed"] and inproc[i]["passed"])]
    print("canonical solutions failing in either mode:", canon_fail)
    return 1 if canon_fail else 0


if __name__ == "__main__":
    sys.exit(main())
