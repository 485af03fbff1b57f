#!/usr/bin/env python3
"""Checks that every `#include "dir/..."` in the product's sources follows an arrow of cmake/rooms.txt.

    check_includes.py [--root DIR] [--rules FILE]

Prints one line per broken rule (file:line, the include, the room it comes from and what that room
may use) and exits 1 when there is any; 0 and a one-line summary otherwise. tests/ is not a room:
tests may include anything. Only quoted includes whose first path component is a directory of the
source tree are checked; system and third-party headers (<...>) are not rooms.
"""
import argparse
import os
import re
import sys

SOURCE_SUFFIXES = (".h", ".hpp", ".cpp", ".cc", ".cu", ".cuh")
NOT_ROOMS = {"tests", "build", "out", "data", "docs", "scripts", "configs", "cmake", ".git", ".ci"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def read_rules(path):
    """{room: set of rooms it may use}, set of internal headers. Raises ValueError naming path:line."""
    arrows, internal = {}, set()
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if ":" not in line:
                raise ValueError("%s:%d: expected `room: rooms it may use` or `internal: header`, found %r"
                                 % (path, number, raw.rstrip("\n")))
            key, _, rest = line.partition(":")
            key, targets = key.strip(), rest.split()
            if key == "internal":
                if len(targets) != 1:
                    raise ValueError("%s:%d: expected one header after `internal:`, found %r" % (path, number, rest.strip()))
                internal.add(targets[0])
                continue
            if key in arrows:
                raise ValueError("%s:%d: room %r is listed twice" % (path, number, key))
            arrows[key] = set(targets)
    for room, targets in arrows.items():
        for t in targets:
            if t not in arrows:
                raise ValueError("%s: room %r may use %r, which is not a room of the file" % (path, room, t))
    return arrows, internal


def room_of(path, rooms):
    """The longest room containing `path` (a path relative to the root), or None."""
    best = None
    for room in rooms:
        if path == room or path.startswith(room + "/"):
            if best is None or len(room) > len(best):
                best = room
    return best


def source_files(root):
    for top in sorted(os.listdir(root)):
        if top in NOT_ROOMS or top.startswith(".") or not os.path.isdir(os.path.join(root, top)):
            continue
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith(SOURCE_SUFFIXES):
                    yield os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/")


def check(root, rules_path):
    arrows, internal = read_rules(rules_path)
    rooms = list(arrows)
    top_dirs = {d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d))}
    problems, checked = [], 0
    for path in source_files(root):
        here = room_of(os.path.dirname(path), rooms)
        if here is None:
            problems.append("%s: in no room of %s (add its directory there)" % (path, rules_path))
            continue
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = m.group(1)
                if "/" not in target or target.split("/", 1)[0] not in top_dirs:
                    continue  # a header beside the file, or not one of the tree's directories
                checked += 1
                there = room_of(os.path.dirname(target), rooms)
                where = "%s:%d: #include \"%s\"" % (path, number, target)
                if there is None:
                    problems.append("%s: %s is in no room (%s may use: %s)"
                                    % (where, target, here, " ".join(sorted(arrows[here])) or "nothing"))
                elif there != here and there not in arrows[here]:
                    problems.append("%s: %s -> %s is not an arrow of %s (%s may use: %s)"
                                    % (where, here, there, rules_path, here, " ".join(sorted(arrows[here])) or "nothing"))
                elif target in internal and there != here:
                    problems.append("%s: %s is internal to %s" % (where, target, there))
    return problems, checked


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(here)), help="the source tree (default: this script's)")
    parser.add_argument("--rules", help="the rooms file (default: ROOT/cmake/rooms.txt)")
    args = parser.parse_args()
    rules = args.rules or os.path.join(args.root, "cmake", "rooms.txt")
    try:
        problems, checked = check(args.root, rules)
    except (OSError, ValueError) as e:
        print("check_includes: %s" % e, file=sys.stderr)
        return 2
    for p in problems:
        print(p)
    if problems:
        print("%d include(s) break the arrows of %s" % (len(problems), rules), file=sys.stderr)
        return 1
    print("%d includes between rooms checked against %s: all follow its arrows" % (checked, rules))
    return 0


if __name__ == "__main__":
    sys.exit(main())
