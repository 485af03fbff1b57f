#!/usr/bin/env python3
"""Where the checker's time goes on HumanEval+ when it computes the expected outputs itself: per
problem and input set (base, plus), the time the canonical solution takes on all inputs (each on a
deep copy, as tasks/code/evalplus_test.cpp's checker and EvalPlus's get_groundtruth call it), and
the size and encoding time of those outputs in the sandbox's plain-data encoding
(sandbox/python/plain_data.py), i.e. what a cache of expected outputs would have to store and hand
to each checker.

    python3 bench/evalplus_expected_cost.py [--problems data/humanevalplus/HumanEvalPlus.jsonl.gz] [--top 15]

It runs the dataset's canonical solutions in this process, unsandboxed: a measurement of trusted
reference code from the bundled file, not a way to score anything (mpt-eval runs them only in the
sandbox). One core; the times depend on the machine's load, which is printed.
"""
import argparse
import copy
import gzip
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PROBLEMS = os.path.join(HERE, "..", "data", "humanevalplus", "HumanEvalPlus.jsonl.gz")


def load_plain_data():
    namespace = {}
    path = os.path.join(HERE, "..", "sandbox", "python", "plain_data.py")
    with open(path, encoding="utf-8") as f:
        exec(compile(f.read(), path, "exec"), namespace)
    return namespace["plain_encode"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--problems", default=DEFAULT_PROBLEMS)
    parser.add_argument("--top", type=int, default=15, help="rows of the per-problem table (by compute time)")
    parser.add_argument("--json", help="also write every row to this file")
    args = parser.parse_args()
    plain_encode = load_plain_data()
    sys.setrecursionlimit(10000)
    opener = gzip.open if args.problems.endswith(".gz") else open
    with opener(args.problems, "rt", encoding="utf-8") as f:
        problems = [json.loads(line) for line in f if line.strip()]
    load = os.getloadavg()
    rows = []
    started_all = time.process_time()
    for p in problems:
        namespace = {}
        exec(compile(p["prompt"] + p["canonical_solution"], p["task_id"], "exec"), namespace)
        fn = namespace[p["entry_point"]]
        for which in ("base_input", "plus_input"):
            inputs = p[which]
            outputs, compute = [], 0.0
            for args_ in inputs:
                start = time.process_time()
                outputs.append(fn(*copy.deepcopy(args_)))
                compute += time.process_time() - start
            start = time.process_time()
            encoded = sum(len(plain_encode(o, False)) for o in outputs)
            encode = time.process_time() - start
            rows.append({"task_id": p["task_id"], "inputs": which[:-6], "count": len(inputs),
                         "compute_s": compute, "encoded_bytes": encoded, "encode_s": encode})
    total_cpu = time.process_time() - started_all
    rows_by_cost = sorted(rows, key=lambda r: -r["compute_s"])
    print("load average before: %.2f %.2f %.2f; python %s" % (load + (sys.version.split()[0],)))
    print("%-14s %-5s %7s %10s %14s %10s" % ("task", "set", "inputs", "compute s", "encoded bytes", "encode s"))
    for r in rows_by_cost[:args.top]:
        print("%-14s %-5s %7d %10.2f %14d %10.2f" % (r["task_id"], r["inputs"], r["count"], r["compute_s"],
                                                    r["encoded_bytes"], r["encode_s"]))
    compute = sum(r["compute_s"] for r in rows)
    encoded = sum(r["encoded_bytes"] for r in rows)
    print("all %d problems: compute %.1f s of CPU (base %.1f, plus %.1f), encoded outputs %.1f MB, encoding %.1f s"
          % (len(problems), compute, sum(r["compute_s"] for r in rows if r["inputs"] == "base"),
             sum(r["compute_s"] for r in rows if r["inputs"] == "plus"), encoded / 1e6,
             sum(r["encode_s"] for r in rows)))
    for limit in (1 << 20, 16 << 20, 64 << 20):
        small = [r for r in rows if r["encoded_bytes"] <= limit]
        print("input sets whose outputs encode to at most %3d MiB: %3d of %d, holding %5.1f s of the compute time"
              % (limit >> 20, len(small), len(rows), sum(r["compute_s"] for r in small)))
    print("this process: %.1f s of CPU; load average after: %.2f %.2f %.2f" % ((total_cpu,) + os.getloadavg()))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
