#!/usr/bin/env python3
"""Writes tests/fixtures/bench/requests_golden.json: what bench/hf_mpt_baseline.py's synthetic()
builds for every workload of bench/workloads.json, run by CPython itself, so that the C++ requests of
`mpt-eval bench` (tasks/python_random.h) can be checked against it (tests/harness/bench_workload_test.cpp).

Per workload: the number of requests, the total token count the baseline reports, the first two
requests in full, and the SHA-256 of every request in the canonical JSON Lines form that
`mpt-eval bench --dump-requests` writes (one compact JSON object per line, keys sorted).

    /usr/bin/python3 scripts/gen_bench_requests_golden.py > tests/fixtures/bench/requests_golden.json

Standard library only: it imports synthetic() from the baseline script, which imports torch only
inside main().
"""
import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import hf_mpt_baseline  # noqa: E402

names = list(json.load(open(os.path.join(ROOT, "bench", "workloads.json"))))
doc = {"python": sys.version.split()[0], "generator": "scripts/gen_bench_requests_golden.py", "workloads": {}}
for name in names:
    kind, reqs = hf_mpt_baseline.synthetic(name)
    lines = "".join(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n" for r in reqs)
    tokens = sum(len(r["context"]) + len(r["continuation"]) if kind == "loglikelihood" else r["max_new_tokens"]
                 for r in reqs)
    doc["workloads"][name] = {"kind": kind, "requests": len(reqs), "tokens": tokens,
                              "sha256": hashlib.sha256(lines.encode()).hexdigest(), "first": reqs[:2]}
# One workload per line: small diffs when a workload is added.
sys.stdout.write("{\"python\": %s, \"generator\": %s, \"workloads\": {\n" % (json.dumps(doc["python"]), json.dumps(doc["generator"])))
sys.stdout.write(",\n".join(" %s: %s" % (json.dumps(k), json.dumps(v, separators=(",", ":"))) for k, v in doc["workloads"].items()))
sys.stdout.write("\n}}\n")
