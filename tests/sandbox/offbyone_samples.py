#!/usr/bin/env python3
# Off-by-one edits of the canonical solutions: the first integer literal n of each becomes n + 1
# (problems without an integer literal are left out). Usage: offbyone.py PROBLEMS.jsonl[.gz] OUT.jsonl
import gzip, io, json, sys, tokenize
def load(path):
    f = gzip.open(path, 'rt') if path.endswith('.gz') else open(path)
    return [json.loads(l) for l in f]
out = open(sys.argv[2], 'w')
n = 0
for r in load(sys.argv[1]):
    src = r['canonical_solution']
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(src).readline))
    except (tokenize.TokenError, IndentationError):
        continue
    for t in toks:
        if t.type == tokenize.NUMBER and t.string.isdigit():
            lines = src.split('\n')
            row, col = t.start[0] - 1, t.start[1]
            line = lines[row]
            lines[row] = line[:col] + str(int(t.string) + 1) + line[col + len(t.string):]
            out.write(json.dumps({'task_id': r['task_id'], 'completion': '\n'.join(lines)}) + '\n')
            n += 1
            break
print(n, 'mutants', file=sys.stderr)
