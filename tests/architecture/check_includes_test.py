#!/usr/bin/env python3
"""check_includes.py catches broken arrows: the project's own cmake/rooms.txt applied to a small tree
holding the three kinds of wrong include the rule exists for (models knowing tasks, the harness
knowing reports, an internal header used outside its room), plus a directory no room covers, must
report exactly those and exit 1; the same tree without them must pass."""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CHECKER = os.path.join(HERE, "check_includes.py")


def write(root, path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8") as f:
        f.write(text)


def run(root):
    p = subprocess.run([sys.executable, CHECKER, "--root", root], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def main():
    failures = []
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "cmake"))
        shutil.copy(os.path.join(ROOT, "cmake", "rooms.txt"), os.path.join(root, "cmake", "rooms.txt"))
        for header in ("common/tokens.h", "tasks/requests.h", "tasks/example_scoring.h", "tasks/prepared_eval.h",
                       "reports/format.h", "common/score_text.h"):
            write(root, header, "#pragma once\n")
        write(root, "models/tokenizer/bpe.h", '#pragma once\n#include <vector>\n#include "common/tokens.h"\n')
        write(root, "harness/summary.cpp", '#include "common/score_text.h"\n')
        write(root, "harness/tracker.cpp", '#include "tasks/prepared_eval.h"\n')
        code, out, err = run(root)
        if code != 0:
            failures.append("a tree that follows the arrows failed (exit %d): %s%s" % (code, out, err))

        write(root, "models/tokenizer/bpe.h", '#pragma once\n#include <vector>\n#include "tasks/requests.h"\n')
        write(root, "harness/summary.cpp", '#include "common/score_text.h"\n  #  include "reports/format.h"\n')
        write(root, "harness/tracker.cpp", '#include "tasks/prepared_eval.h"\n#include "tasks/example_scoring.h"\n')
        write(root, "newroom/thing.cpp", '#include "common/tokens.h"\n')
        code, out, err = run(root)
        expected = [
            'harness/summary.cpp:2: #include "reports/format.h": harness -> reports is not an arrow',
            'harness/tracker.cpp:2: #include "tasks/example_scoring.h": tasks/example_scoring.h is internal to tasks',
            'models/tokenizer/bpe.h:3: #include "tasks/requests.h": models/tokenizer -> tasks is not an arrow',
            "newroom/thing.cpp: in no room",
        ]
        if code != 1:
            failures.append("broken arrows: expected exit 1, got %d" % code)
        lines = out.splitlines()
        if len(lines) != len(expected):
            failures.append("expected %d problems, got %d:\n%s" % (len(expected), len(lines), out))
        for e in expected:
            if not any(line.startswith(e) for line in lines):
                failures.append("no line starting with %r in:\n%s" % (e, out))

        write(root, "cmake/rooms.txt", "common:\ntasks: common models\n")
        code, out, err = run(root)
        if code != 2 or "'models', which is not a room" not in err:
            failures.append("a rules file naming an unknown room: expected exit 2 naming it, got %d: %s" % (code, err))
    for f in failures:
        print("FAIL: " + f)
    if not failures:
        print("check_includes.py reports every broken arrow and passes a tree without them")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
