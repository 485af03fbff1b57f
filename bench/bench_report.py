#!/usr/bin/env python3
"""Side-by-side report of `mpt-eval bench` and the Hugging Face baseline (bench/hf_mpt_baseline.py).

  bench_report.py table --ours OURS.jsonl --hf HF.jsonl [--ours-dump D1.json --hf-dump D2.json] [--json OUT]
      The ratio table (ours / HF tokens/s per workload, MFU, peak memory, and the GPU performance targets) and, with
      both --dump files, the numerics: per-request log-likelihood differences and greedy-flag agreement
      (log-likelihood workloads), identical sequences and common prefixes (generation workloads).
  bench_report.py check-requests DIR
      Checks that every DIR/<workload>.jsonl written by `mpt-eval bench --dump-requests 'DIR/{w}.jsonl'`
      holds exactly the requests the baseline's synthetic(<workload>) builds.

Standard library only (runs with any python3, also where torch is missing). Lines that are not JSON
objects with a "workload" key are ignored, so whole logs can be given.
"""
import argparse
import json
import os
import sys

TARGETS = {"mc-short": 2.5, "long": 3.0, "humaneval-like": 5.0}  # ours / HF tokens/s: the GPU performance targets
BATCH1_TARGET = 0.75        # of the weight-read bound at batch 1
LONG_MFU_TARGET = 0.70      # prefill model-FLOPs utilisation on long sequences


def read_lines(path):
    """Workload lines by name (the last one wins) and the header line, from a JSON Lines log."""
    rows, header = {}, {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                d = json.loads(line)
            except ValueError:
                continue
            if "workload" in d:
                rows[os.path.splitext(os.path.basename(d["workload"]))[0]] = d
            elif "params" in d:
                header = d
    return header, rows


def cell(v, width, decimals):
    """A number right-aligned in `width` columns, or "-" when there is none."""
    return f"{v:{width}.{decimals}f}" if isinstance(v, (int, float)) and not isinstance(v, bool) else "-".rjust(width)


def quantile(xs, q):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    return xs[min(len(xs) - 1, int(q * (len(xs) - 1) + 0.5))]


def numerics(ours, hf):
    """Per-workload comparison of two --dump files ({workload: [per-request]})."""
    base = lambda d: {os.path.splitext(os.path.basename(k))[0]: v for k, v in d.items()}
    ours, hf = base(ours), base(hf)
    out = {}
    for name in sorted(set(ours) & set(hf)):
        a, b = ours[name], hf[name]
        if len(a) != len(b):
            out[name] = {"error": f"{len(a)} requests in ours, {len(b)} in HF"}
            continue
        if a and "logprob" in a[0]:
            d = [abs(x["logprob"] - y["logprob"]) for x, y in zip(a, b)]
            rel = [abs(x["logprob"] - y["logprob"]) / max(abs(y["logprob"]), 1e-9) for x, y in zip(a, b)]
            agree = sum(x["greedy"] == y["greedy"] for x, y in zip(a, b))
            out[name] = {"kind": "loglikelihood", "requests": len(a), "max_abs_diff": max(d),
                         "p50_abs_diff": quantile(d, 0.5), "p99_abs_diff": quantile(d, 0.99),
                         "p50_rel_diff": quantile(rel, 0.5), "max_rel_diff": max(rel),
                         "mean_abs_logprob": sum(abs(y["logprob"]) for y in b) / len(b),
                         "greedy_agreement": agree / len(a),
                         "greedy_true_ours": sum(x["greedy"] for x in a), "greedy_true_hf": sum(y["greedy"] for y in b)}
        else:
            same, prefix, first, total = 0, 0, 0, 0
            for x, y in zip(a, b):
                g, h = x["generated"], y["generated"]
                same += g == h
                n = 0
                while n < min(len(g), len(h)) and g[n] == h[n]:
                    n += 1
                prefix += n
                first += bool(g) and bool(h) and g[0] == h[0]
                total += len(h)
            out[name] = {"kind": "generate", "requests": len(a), "identical_sequences": same / len(a),
                         "first_token_agreement": first / len(a), "mean_common_prefix": prefix / len(a),
                         "mean_length": total / len(a)}
    return out


def table(args):
    oh, ours = read_lines(args.ours)
    hh, hf = read_lines(args.hf) if args.hf and os.path.exists(args.hf) else ({}, {})
    report = {"ours_header": oh, "hf_header": hh, "workloads": {}}
    print(f"ours: {oh.get('model', '?')} on {oh.get('device', '?')} ({oh.get('dtype', '?')}, "
          f"attention {oh.get('attention', '?')}, torch {oh.get('torch', '?')})")
    if hh:
        print(f"HF:   transformers {hh.get('transformers', '?')}, torch {hh.get('torch', '?')} on {hh.get('device', '?')}")
    head = f"{'workload':<16}{'HF tok/s':>11}{'ours tok/s':>12}{'ratio':>8}{'target':>8}  {'met':<5}{'MFU HF':>8}{'MFU ours':>9}{'GB HF':>7}{'GB ours':>8}"
    print(head)
    print("-" * len(head))
    for name in list(ours) + [n for n in hf if n not in ours]:
        o, h = ours.get(name, {}), hf.get(name, {})
        ot, ht = o.get("tokens_per_s"), h.get("tokens_per_s")
        ratio = ot / ht if ot and ht else None
        target = TARGETS.get(name)
        met = "" if ratio is None or target is None else ("yes" if ratio >= target else "no")
        print(f"{name:<16}{cell(ht, 11, 1)}{cell(ot, 12, 1)}{cell(ratio, 8, 2)}{cell(target, 8, 1)}  {met:<5}"
              f"{cell(h.get('mfu_vs_790tflops'), 8, 3)}{cell(o.get('mfu_vs_790tflops'), 9, 3)}"
              f"{cell(h.get('peak_mem_gb'), 7, 1)}{cell(o.get('peak_mem_gb'), 8, 1)}")
        if o.get("tokens") and h.get("tokens") and o["tokens"] != h["tokens"]:
            print(f"  WARNING: {name}: ours counts {o['tokens']} tokens, HF {h['tokens']}")
        report["workloads"][name] = {"ours": o, "hf": h, "ratio": ratio, "target": target}
    for name, o in ours.items():
        if "of_weight_bound" in o:
            print(f"{name}: {o['tokens_per_s']} tokens/s = {100 * o['of_weight_bound']:.1f}% of the weight-read bound "
                  f"({o['weight_bound_tokens_per_s']} tokens/s); target {100 * BATCH1_TARGET:.0f}%")
    if "long" in ours and "mfu_vs_790tflops" in ours["long"]:
        print(f"long: prefill MFU {100 * ours['long']['mfu_vs_790tflops']:.1f}% (target {100 * LONG_MFU_TARGET:.0f}%)")
    if args.ours_dump and args.hf_dump and os.path.exists(args.ours_dump) and os.path.exists(args.hf_dump):
        num = numerics(json.load(open(args.ours_dump)), json.load(open(args.hf_dump)))
        report["numerics"] = num
        print("numerics (ours vs HF, same checkpoint and requests):")
        for name, n in num.items():
            if "error" in n:
                print(f"  {name}: {n['error']}")
            elif n["kind"] == "loglikelihood":
                print(f"  {name}: logprob |diff| max {n['max_abs_diff']:.4g}, p99 {n['p99_abs_diff']:.4g}, "
                      f"median {n['p50_abs_diff']:.4g} (median relative {n['p50_rel_diff']:.2g}; mean |logprob| "
                      f"{n['mean_abs_logprob']:.4g}); greedy flags agree on {100 * n['greedy_agreement']:.2f}% "
                      f"(true: ours {n['greedy_true_ours']}, HF {n['greedy_true_hf']})")
            else:
                print(f"  {name}: identical sequences {100 * n['identical_sequences']:.1f}%, first token agrees "
                      f"{100 * n['first_token_agreement']:.1f}%, mean common prefix {n['mean_common_prefix']:.1f} "
                      f"of {n['mean_length']:.1f} tokens")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)


def check_requests(args):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import hf_mpt_baseline
    bad = 0
    files = sorted(f for f in os.listdir(args.dir) if f.endswith(".jsonl"))
    for f in files:
        name = f[:-len(".jsonl")]
        with open(os.path.join(args.dir, f)) as fh:
            ours = [json.loads(l) for l in fh if l.strip()]
        _, want = hf_mpt_baseline.synthetic(name)
        ok = ours == want
        bad += not ok
        print(f"requests {name}: {len(ours)} ours, {len(want)} baseline: {'identical' if ok else 'DIFFERENT'}")
    if not files:
        print(f"no request files in {args.dir}")
        bad = 1
    sys.exit(1 if bad else 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("table")
    t.add_argument("--ours", required=True)
    t.add_argument("--hf")
    t.add_argument("--ours-dump")
    t.add_argument("--hf-dump")
    t.add_argument("--json")
    c = sub.add_parser("check-requests")
    c.add_argument("dir")
    args = ap.parse_args()
    table(args) if args.cmd == "table" else check_requests(args)


if __name__ == "__main__":
    main()
