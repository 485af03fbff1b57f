#!/usr/bin/env python3
"""Converts the HellaSwag validation text dump into LLM Foundry's hellaswag.jsonl layout.

Input: hellaswag_val_full.txt.bz2 (klosax/hellaswag_text_data, derived from rowanz/hellaswag's
hellaswag_val.jsonl; see data/SOURCES.md): 10,042 tasks, 6 lines each:
    line 1: preprocess(activity_label) + ": " + preprocess(ctx)
    line 2: gold label 0..3
    lines 3-6: preprocess(endings[0..3])
Output: one JSON object per task, in input order, as LLM Foundry's files are written
(json.dumps with ensure_ascii=False, default separators):
    {"query": <line 1>, "choices": [<line 3>, ..., <line 6>], "gold": <int(line 2)>}

Known difference from LLM Foundry's own language_understanding/hellaswag.jsonl (not available
here): that file capitalizes the first letter of ctx_b ("...on a roof. He"), this input keeps it
as in the raw data ("...on a roof. he"), so queries differ in that one character where ctx_b is
non-empty. Everything else (the preprocessing of the text) is believed to match; unverified.

Usage (standard library only, deterministic):
    python3 scripts/convert_hellaswag.py INPUT.txt.bz2 OUTPUT.jsonl
"""
import bz2
import json
import sys

LINES_PER_TASK = 6
EXPECTED_TASKS = 10042


def convert(src, dst):
    with bz2.open(src, "rt", encoding="utf-8", newline="\n") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) % LINES_PER_TASK:
        sys.exit(f"{src}: {len(lines)} lines is not a multiple of {LINES_PER_TASK}")
    rows = []
    for start in range(0, len(lines), LINES_PER_TASK):
        query, gold, *choices = lines[start:start + LINES_PER_TASK]
        if gold not in ("0", "1", "2", "3"):
            sys.exit(f"{src}:{start + 2}: gold label {gold!r} is not 0..3")
        rows.append({"query": query, "choices": choices, "gold": int(gold)})
    if len(rows) != EXPECTED_TASKS:
        sys.exit(f"{src}: {len(rows)} tasks, expected {EXPECTED_TASKS}")
    with open(dst, "w", encoding="utf-8", newline="\n") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    convert(sys.argv[1], sys.argv[2])
