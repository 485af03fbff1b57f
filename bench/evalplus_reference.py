#!/usr/bin/env python3
"""Runs EvalPlus's own evaluator (evalplus/evaluate.py) on HumanEval+ samples, for comparison with
`mpt-eval score-samples --problems data/humanevalplus/HumanEvalPlus.jsonl.gz` on the same machine.

    # EvalPlus is not bundled: any checkout of github.com/evalplus/evalplus whose evaluate.py has
    # get_groundtruth/check_correctness (measured: 26d6d00bb1fd0fa37f39c99d5290da67891d1c5e)
    apt-get install python3-numpy python3-psutil python3-tqdm python3-termcolor python3-fire \
        python3-rich python3-appdirs python3-wget
    python3 bench/evalplus_reference.py --evalplus /tmp/evalplus --write-canonical canon.jsonl
    python3 bench/evalplus_reference.py --evalplus /tmp/evalplus --samples canon.jsonl \
        [--cache-dir DIR] [--parallel N]
    python3 bench/evalplus_reference.py --evalplus /tmp/evalplus --samples canon.jsonl \
        --compare build/harness/mpt-eval [--repeat 5]

One run calls evalplus.evaluate.evaluate("humaneval", samples=...) with its defaults (its
ProcessPoolExecutor of max(1, cpu_count // 2) workers, base and plus inputs, fast_check, its time
limits max(4 s, 4 x the canonical time)), then prints the base and plus pass counts. Its dataset is
the given --problems file (EvalPlus's HUMANEVAL_OVERRIDE_PATH, so nothing is downloaded) and its
ground-truth cache lives under --cache-dir (XDG_CACHE_HOME): an empty directory gives a cold run
(get_groundtruth computes every expected output and pickles them), a used one a warm run.

Only Debian's packages are used. Four modules that Debian does not package are imported by
EvalPlus at module level but never called on this path; they are replaced by empty modules whose
every attribute raises when used, so a run that did reach them would fail rather than measure
something else:
  datasets            evalplus/data/__init__.py: load_dataset, only in get_evalperf_data (EvalPerf)
  tempdir             evalplus/data/utils.py: only in make_cache when downloading a dataset
  tree_sitter,        evalplus/sanitize.py (imported through evalplus.codegen): only when
  tree_sitter_python  generating or sanitizing code, never when evaluating samples

--compare alternates whole processes (cold EvalPlus with an empty cache, warm EvalPlus, mpt-eval
with an empty --cache-dir (it computes HumanEval+'s expected outputs into it), mpt-eval warm (the
cache its first cold run wrote)) --repeat times and prints each wall clock and the medians.
"""
import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PROBLEMS = os.path.join(HERE, "..", "data", "humanevalplus", "HumanEvalPlus.jsonl.gz")
STUBBED = ("datasets", "tempdir", "tree_sitter", "tree_sitter_python")


def stub_module(name):
    """A module whose attributes exist for `from name import x` but raise when called."""
    module = types.ModuleType(name)

    def missing(attr):
        def fail(*_args, **_kwargs):
            raise RuntimeError("%s.%s is stubbed by evalplus_reference.py and must not be used" % (name, attr))
        return fail

    module.__getattr__ = missing
    return module


def write_canonical(problems_path, out_path):
    with gzip.open(problems_path, "rt") as f:
        problems = [json.loads(line) for line in f if line.strip()]
    with open(out_path, "w") as f:
        for p in problems:
            f.write(json.dumps({"task_id": p["task_id"], "completion": p["canonical_solution"]}) + "\n")
    print("wrote %d samples to %s" % (len(problems), out_path))


def run_evalplus(args):
    # Both are read when EvalPlus's modules are imported.
    os.environ["HUMANEVAL_OVERRIDE_PATH"] = os.path.abspath(args.problems)
    if args.cache_dir:
        os.environ["XDG_CACHE_HOME"] = os.path.abspath(args.cache_dir)
    for name in STUBBED:
        if name not in sys.modules:
            sys.modules[name] = stub_module(name)
    sys.path.insert(0, os.path.abspath(args.evalplus))
    from evalplus.evaluate import evaluate  # noqa: E402 (path and environment set above)

    out_dir = tempfile.mkdtemp(prefix="evalplus_reference.")
    result_path = os.path.join(out_dir, "eval_results.json")
    t0 = time.perf_counter()
    evaluate("humaneval", samples=os.path.abspath(args.samples), parallel=args.parallel,
             i_just_wanna_run=True, output_file=result_path)
    elapsed = time.perf_counter() - t0
    with open(result_path) as f:
        results = json.load(f)["eval"]
    shutil.rmtree(out_dir)
    n = sum(len(r) for r in results.values())
    base = sum(x["base_status"] == "pass" for r in results.values() for x in r)
    plus = sum(x["base_status"] == x["plus_status"] == "pass" for r in results.values() for x in r)
    print("evalplus: base %d/%d plus %d/%d, evaluate() returned after %.3f s" % (base, n, plus, n, elapsed),
          flush=True)


def timed(cmd):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit("%s exited with %d:\n%s" % (cmd[0], p.returncode, p.stdout[-4000:]))
    return wall, p.stdout


def compare(args):
    me = [sys.executable, os.path.abspath(__file__), "--evalplus", args.evalplus, "--samples", args.samples,
          "--problems", args.problems]
    if args.parallel:
        me += ["--parallel", str(args.parallel)]
    warm_dir = tempfile.mkdtemp(prefix="evalplus_warm.")
    # mpt-eval's expected-output cache (under --cache-dir), cold and warm as EvalPlus's; not under
    # /tmp (the C++ header cache, which shares the directory, may not be there).
    mpt_warm_dir = tempfile.mkdtemp(prefix="mpt_eval_warm.", dir="/var/tmp")
    mpt = [args.compare, "score-samples", "--samples", args.samples, "--problems", args.problems]
    walls = {"evalplus cold": [], "evalplus warm": [], "mpt-eval cold": [], "mpt-eval warm": []}
    for i in range(args.repeat):
        cold_dir = tempfile.mkdtemp(prefix="evalplus_cold.")
        mpt_cold_dir = tempfile.mkdtemp(prefix="mpt_eval_cold.", dir="/var/tmp")
        for name, cmd in (("evalplus cold", me + ["--cache-dir", cold_dir]),
                          ("evalplus warm", me + ["--cache-dir", warm_dir]),
                          ("mpt-eval cold", mpt + ["--cache-dir", mpt_cold_dir]),
                          ("mpt-eval warm", mpt + ["--cache-dir", mpt_warm_dir])):
            wall, out = timed(cmd)
            walls[name].append(wall)
            for cold, warm in ((cold_dir, warm_dir), (mpt_cold_dir, mpt_warm_dir)):
                if cmd[-1] == cold and not os.listdir(warm):
                    # the warm runs start from the cache the first cold run wrote
                    shutil.rmtree(warm)
                    shutil.copytree(cold, warm)
            lines = [l for l in out.splitlines() if l.startswith("evalplus:") or "pass@" in l or "passed" in l]
            with open("/proc/loadavg") as f:
                load = " ".join(f.read().split()[:3])
            print("run %d %-13s %8.3f s  load %s  %s" % (i + 1, name, wall, load, " | ".join(lines[-4:])),
                  flush=True)
        shutil.rmtree(cold_dir)
        shutil.rmtree(mpt_cold_dir)
    shutil.rmtree(warm_dir)
    shutil.rmtree(mpt_warm_dir)
    med = {k: statistics.median(v) for k, v in walls.items()}
    for k, v in walls.items():
        print("%-13s median %8.3f s over %d runs: %s" % (k, med[k], len(v), " ".join("%.3f" % t for t in v)))
    print("mpt-eval cold vs evalplus cold: %.2fx; mpt-eval warm vs evalplus warm: %.2fx"
          % (med["evalplus cold"] / med["mpt-eval cold"], med["evalplus warm"] / med["mpt-eval warm"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--evalplus", required=True, help="a checkout of github.com/evalplus/evalplus")
    ap.add_argument("--problems", default=DEFAULT_PROBLEMS, help="HumanEval+ (EvalPlus's jsonl.gz)")
    ap.add_argument("--samples", help="samples jsonl (task_id, completion or solution)")
    ap.add_argument("--write-canonical", metavar="FILE", help="write the canonical solutions as samples and exit")
    ap.add_argument("--cache-dir", help="XDG_CACHE_HOME for EvalPlus's ground-truth cache (default: the user's)")
    ap.add_argument("--parallel", type=int, help="EvalPlus workers (default: its own, max(1, cpu_count // 2))")
    ap.add_argument("--compare", metavar="MPT_EVAL", help="alternate EvalPlus and this mpt-eval, each cold and warm")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    if args.write_canonical:
        write_canonical(args.problems, args.write_canonical)
    elif not args.samples:
        ap.error("--samples is required")
    elif args.compare:
        compare(args)
    else:
        run_evalplus(args)


if __name__ == "__main__":
    main()
