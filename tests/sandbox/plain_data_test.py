#!/usr/bin/env python3
"""The plain-data codec that split-process checking trusts (sandbox/python/plain_data.py).

Values round-trip with their exact types (runs of floats and of ints included: arrays, one element
each to their container); bytes that are not an encoding are refused with PlainDataError and
nothing else, whatever they are (truncations, flipped bytes, runs that claim too much, runs where
none may be); the element-by-element form written before runs existed still decodes.
Usage: plain_data_test.py [SANDBOX_PYTHON_DIR]; exits non-zero on the first failure.
"""
import enum
import math
import os
import random
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "sandbox", "python"))
import plain_data as pd  # noqa: E402 (path set above)


def same(a, b):
    """Equal with exact types all the way down (1 and 1.0 and True differ; NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if type(a) is float:
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if type(a) in (list, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if type(a) is dict:
        return list(a.keys()) == list(b.keys()) and all(same(a[k], b[k]) for k in a)
    return a == b


def check(cond, what):
    if not cond:
        sys.exit("FAILED: " + what)


class Color(enum.IntEnum):
    RED = 1


def values():
    big = 2 ** 70
    yield [1.5] * 20
    yield [1, 3] + [float(i) / 2 for i in range(1000)]            # HumanEval/130's shape: ints, then floats
    yield list(range(-500, 500))
    yield [2 ** 63 - 1, -2 ** 63] * 8                               # the int64 bounds, in a run
    yield [1] * 10 + [big] + [2] * 10                                # an int beyond 64 bits inside a run of ints
    yield [big] * 10                                                 # a run that cannot be an array
    yield [True, False] * 10 + [1] * 10 + [0.0] * 10                 # bools stay bools, next to ints
    yield [-0.0, float("inf"), float("-inf"), float("nan")] * 4
    yield (1.0,) * 9 + ("x",) + (2,) * 9                             # tuples
    yield {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0}              # a set of floats
    yield frozenset(range(20))
    yield {"a": [1.0] * 10, 2: (3,) * 10, 1.5: None}                 # dicts hold runs, are not runs
    yield [[float(i)] * 9 for i in range(5)] + [[i] * 9 for i in range(5)]
    yield [1.0] * 7 + [2] * 7 + [3.0] * 8                            # short runs element by element
    yield ["s" * 5, b"b", None, 7, 7.5, [], (), {}]
    yield 5
    yield 2.5
    yield []


def main():
    for v in values():
        for strict in (True, False):
            body = pd.plain_encode(v, strict)
            check(same(pd.plain_decode(body), v) or (type(v) in (set, frozenset) and pd.plain_decode(body) == v),
                  "round trip of %r" % (v,))
    # Long runs are arrays: 8 bytes a number, tagged once.
    body = pd.plain_encode([0.25] * 1000, True)
    check(len(body) == 5 + 5 + 8000 and body[5:6] == b"A", "a run of floats is one array (%d bytes)" % len(body))
    body = pd.plain_encode(list(range(1000)), True)
    check(len(body) == 5 + 5 + 8000 and body[5:6] == b"Q", "a run of ints is one array")
    # Not strict: an IntEnum crosses as the int it is; strict refuses it.
    check(same(pd.plain_decode(pd.plain_encode([Color.RED] * 10, False)), [1] * 10), "IntEnum as int")
    try:
        pd.plain_encode([Color.RED] * 10, True)
        check(False, "strict encoding refuses an IntEnum")
    except pd.PlainDataError:
        pass
    # The element-by-element form still decodes.
    old = b"l" + struct.pack(">I", 3) + b"f" + struct.pack(">d", 0.5) + b"i" + struct.pack(">I", 1) + b"\x07" + b"N"
    check(same(pd.plain_decode(old), [0.5, 7, None]), "element-by-element encoding")

    def refused(data, what):
        try:
            pd.plain_decode(data)
        except pd.PlainDataError:
            return
        check(False, "accepted: " + what)

    u32 = lambda n: struct.pack(">I", n)  # noqa: E731
    refused(b"A" + u32(1) + struct.pack(">d", 1.0), "a run as a value of its own")
    refused(b"d" + u32(1) + b"A" + u32(2) + bytes(16), "a run in a dict")
    refused(b"l" + u32(2) + b"A" + u32(3) + bytes(24), "a run longer than the elements left")
    refused(b"l" + u32(2) + b"A" + u32(0) + b"N" + b"N", "an empty run")
    refused(b"l" + u32(2) + b"Q" + u32(2) + bytes(15), "a run cut short")
    refused(b"l" + u32(1) + b"A" + u32(2 ** 32 - 1), "a run claiming 4 billion elements")
    refused(b"l" + u32(3) + b"A" + u32(2) + bytes(16), "a list whose run leaves an element missing")
    refused(b"l" + u32(2) + b"A" + u32(2) + bytes(16) + b"N", "stray bytes after a run")

    # Damaged encodings: PlainDataError or some plain value, never another exception.
    rng = random.Random(7)
    samples = [pd.plain_encode(v, True) for v in values() if type(v) not in (set, frozenset)]
    trials = 0
    for body in samples:
        for cut in range(0, len(body), max(1, len(body) // 40)):
            refused_or_value(body[:cut])
            trials += 1
        for _ in range(200):
            b = bytearray(body)
            for _ in range(rng.randint(1, 3)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            refused_or_value(bytes(b))
            trials += 1
    print("plain data: round trips, runs, refusals and %d damaged encodings checked" % trials)


def refused_or_value(data):
    try:
        pd.plain_decode(data)
    except pd.PlainDataError:
        pass
    except Exception as e:  # noqa: BLE001 (the point: no other exception may escape)
        sys.exit("FAILED: %s escaped the decoder on %r: %s" % (type(e).__name__, data[:40], e))


if __name__ == "__main__":
    main()
