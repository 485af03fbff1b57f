#!/usr/bin/env python3
"""Times OpenAI human-eval's own executor on the 164 canonical HumanEval solutions, for comparison
with bench_sandbox on the same machine and at the same time (both print medians and the load).

    git clone https://github.com/openai/human-eval /tmp/human-eval    # not bundled with mpt-eval
    python3 bench/humaneval_reference.py --human-eval /tmp/human-eval [--repeat 5] [--workers 4]

It runs exactly what evaluate_functional_correctness runs for each sample (check_correctness from
human_eval/execution.py: a multiprocessing child per program, no isolation beyond its
reliability_guard) in a ThreadPoolExecutor with human-eval's default of 4 workers, and reports the
median wall time. Only the standard library is needed (evaluation.py's numpy/tqdm are not imported).
"""
import argparse
import gzip
import json
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--human-eval", required=True, help="a checkout of github.com/openai/human-eval")
    ap.add_argument("--problems", default=os.path.join(HERE, "..", "data", "humaneval", "HumanEval.jsonl.gz"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--workers", type=int, default=4, help="human-eval's default n_workers is 4")
    ap.add_argument("--timeout", type=float, default=3.0, help="human-eval's default timeout")
    args = ap.parse_args()
    sys.path.insert(0, args.human_eval)
    from human_eval.execution import check_correctness  # noqa: E402 (path set above)

    with gzip.open(args.problems, "rt") as f:
        problems = [json.loads(line) for line in f if line.strip()]
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.workers) as ex:
            results = list(ex.map(lambda p: check_correctness(p, p["canonical_solution"], args.timeout), problems))
        times.append(time.perf_counter() - t0)
        passed = sum(r["passed"] for r in results)
        if passed != len(problems):
            print("warning: %d of %d canonical solutions passed" % (passed, len(problems)), file=sys.stderr)
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    med = statistics.median(times)
    print("human-eval executor, %d workers: median %.3f s over %d runs (%.1f programs/s), runs %s, load average %s"
          % (args.workers, med, args.repeat, len(problems) / med, " ".join("%.3f" % t for t in times), load))


if __name__ == "__main__":
    main()
