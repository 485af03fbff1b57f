#!/usr/bin/env python3
"""Writes tests/fixtures/python_random/cases.json: reference outputs of CPython's random.Random
and set iteration order, for the C++ models in tasks/python_random.* and tasks/python_int_set.*.

Run with the interpreter whose behaviour you want to pin (the committed file: CPython 3.11):
    /usr/bin/python3 scripts/gen_python_random_cases.py > tests/fixtures/python_random/cases.json
Standard library only. Deterministic (fixed seeds).
"""
import json
import random
import sys

def sample_cases():
    out = []
    # Around both strategy thresholds of random.sample: n <= 21 (k <= 5), 85 (6 <= k <= 21),
    # 277 (22 <= k <= 85): the pool strategy at and below, the set strategy above.
    for n, k in [(5, 4), (21, 5), (22, 5), (85, 6), (86, 6), (85, 21), (86, 21), (277, 22), (278, 22),
                 (300, 25), (1172, 25), (2, 1), (10, 10), (10, 0), (100000, 3)]:
        for seed in (1234, 42, 0, 7):
            rng = random.Random(seed)
            draws = [rng.sample(range(n), k) for _ in range(3)]
            out.append({"n": n, "k": k, "seed": seed, "draws": draws, "next": rng.getrandbits(32)})
    return out

def choice_cases():
    out = []
    for n in (1, 2, 3, 4, 5, 7, 8, 9, 100, 2**31 + 1):
        rng = random.Random(99)
        out.append({"n": n, "seed": 99, "draws": [rng.choice(range(n)) for _ in range(20)]})
    return out

def set_cases():
    # Random add/remove histories over small ints, as the sampler produces (and bigger ones).
    gen = random.Random(2024)
    out = []
    for _ in range(300):
        universe = gen.choice([10, 50, 300, 5000])
        s = set()
        ops = []
        for _ in range(gen.randint(1, 60)):
            v = gen.randrange(universe)
            if s and gen.random() < 0.3:
                v = gen.choice(sorted(s)) if gen.random() < 0.7 else v
                ops.append(["remove", v])
                s.discard(v)
            else:
                ops.append(["add", v])
                s.add(v)
        out.append({"ops": ops, "order": list(s)})
    return out

doc = {
    "python": sys.version.split()[0],
    "generator": "scripts/gen_python_random_cases.py",
    "sample": sample_cases(),
    "choice": choice_cases(),
    "set": set_cases(),
}
json.dump(doc, sys.stdout, separators=(",", ":"))
sys.stdout.write("\n")
