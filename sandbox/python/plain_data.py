# Plain data across the split-process boundary (embedded ahead of zygote.py; see docs/sandbox.md).
#
# In split-process checking the test runs in the checker process and the candidate's function in
# another; they exchange only plain data: None, bool, int, float, str, bytes, list, tuple, dict,
# set, frozenset, nested. The encoding is this file's own tagged, length-prefixed format, never
# pickle, marshal or eval: decoding builds nothing but those types, so whatever bytes the candidate
# writes, the checker gets plain values (or a refused call), and its comparisons run trusted code.
#
#   value  := 'N' | 'T' | 'F'
#           | 'i' u32 n, n bytes (two's complement, big-endian)     int
#           | 'f' 8 bytes (IEEE 754 binary64, big-endian)            float
#           | 's' u32 n, n bytes (UTF-8, lone surrogates passed)     str
#           | 'b' u32 n, n bytes                                     bytes
#           | 'l' | 't' | 'e' | 'z'  u32 count, count elements        list, tuple, set, frozenset
#           | 'd' u32 count, count (key, value) pairs                  dict
#   element := value
#           | 'A' u32 n, n x 8 bytes (IEEE 754 binary64, big-endian)   n floats in a row
#           | 'Q' u32 n, n x 8 bytes (int64, big-endian)               n ints in a row
#   frame  := u32 length, then one value
# A run ('A', 'Q') stands for n elements of a list, tuple, set or frozenset (never a dict's, never a
# value of its own): answers such as a list of a million numbers cross as one array instead of a
# million tagged values, in C rather than a Python loop per element.
import array as _array
import struct as _struct
import sys as _sys

PLAIN_MAX_DEPTH = 100            # nesting deeper than this is refused (no recursion blow-up)
PLAIN_MAX_FRAME = 256 << 20      # bytes in one frame


class PlainDataError(Exception):
    """A value outside the plain-data set, or bytes that do not decode to one."""


_U32 = _struct.Struct(">I")
_F64 = _struct.Struct(">d")
_SCALAR_TAGS = {type(None): b"N", bool: None, int: b"i", float: b"f", str: b"s", bytes: b"b"}
_CONTAINER_TAGS = ((list, b"l"), (tuple, b"t"), (dict, b"d"), (set, b"e"), (frozenset, b"z"))
_RUN_MIN = 8                     # shorter runs are written element by element
_SWAP = _sys.byteorder == "little"


def plain_encode(value, strict):
    """The frame body for `value`. strict: only the exact types (the checker's arguments); not
    strict: subclasses are converted to their base type first (the candidate's answers, so that an
    IntEnum or a Counter arrives as the int or dict it is; an object of any other class cannot)."""
    out = []
    _encode(value, out, strict, 0)
    return b"".join(out)


def _encode(v, out, strict, depth):
    if depth > PLAIN_MAX_DEPTH:
        raise PlainDataError("the value is nested more than %d levels deep" % PLAIN_MAX_DEPTH)
    t = type(v)
    if t is bool:
        out.append(b"T" if v else b"F")
        return
    if t not in _SCALAR_TAGS and not any(t is c for c, _ in _CONTAINER_TAGS):
        base = None if strict else next((c for c in (int, float, str, bytes) + tuple(c for c, _ in _CONTAINER_TAGS)
                                         if isinstance(v, c)), None)
        if base is None:
            raise PlainDataError("a value of type %s cannot cross the process boundary (plain data only: None, "
                                 "bool, int, float, str, bytes, list, tuple, dict, set, frozenset)" % t.__name__)
        v, t = base(v), base
    if v is None:
        out.append(b"N")
    elif t is int:
        body = v.to_bytes((v.bit_length() + 8) // 8, "big", signed=True)
        out += (b"i", _U32.pack(len(body)), body)
    elif t is float:
        out += (b"f", _F64.pack(v))
    elif t is str:
        body = v.encode("utf-8", "surrogatepass")
        out += (b"s", _U32.pack(len(body)), body)
    elif t is bytes:
        out += (b"b", _U32.pack(len(v)), v)
    elif t is dict:
        items = list(v.items())
        out += (b"d", _U32.pack(len(items)))
        for key, item in items:
            _encode(key, out, strict, depth + 1)
            _encode(item, out, strict, depth + 1)
    else:
        items = list(v)
        out += (dict(_CONTAINER_TAGS)[t], _U32.pack(len(items)))
        if depth + 1 > PLAIN_MAX_DEPTH:   # every element is refused by _encode
            for item in items:
                _encode(item, out, strict, depth + 1)
            return
        # Runs of exact floats and of exact ints as arrays; anything else through _encode.
        run, run_type = [], None
        for item in items:
            ti = type(item)
            if ti is float or ti is int:
                if ti is not run_type:
                    _encode_run(run, run_type, out)
                    run, run_type = [], ti
                run.append(item)
            else:
                if run:
                    _encode_run(run, run_type, out)
                    run, run_type = [], None
                _encode(item, out, strict, depth + 1)
        _encode_run(run, run_type, out)


def _encode_run(run, run_type, out):
    """Exact floats or exact ints, in a row: one array, or (short, or ints beyond 64 bits) each
    as _encode writes it."""
    if len(run) >= _RUN_MIN:
        try:
            a = _array.array("d" if run_type is float else "q", run)
        except OverflowError:
            a = None
        if a is not None:
            if _SWAP:
                a.byteswap()
            out += (b"A" if run_type is float else b"Q", _U32.pack(len(run)), a.tobytes())
            return
    for item in run:
        if run_type is float:
            out += (b"f", _F64.pack(item))
        else:
            body = item.to_bytes((item.bit_length() + 8) // 8, "big", signed=True)
            out += (b"i", _U32.pack(len(body)), body)


def plain_str_digest(s):
    """(SHA-256 hex of the UTF-8 of `s`, lone surrogates passed, its length): what stands for a long
    string where only its equality matters (HumanEval+'s cached expected outputs), computed alike by
    the program that caches it and the checker that compares with it."""
    import hashlib
    return (hashlib.sha256(s.encode("utf-8", "surrogatepass")).hexdigest(), len(s))


def plain_decode(data):
    """The value a frame body holds; PlainDataError for anything malformed or left over."""
    value, end = _decode(data, 0, 0)
    if end != len(data):
        raise PlainDataError("%d stray bytes after the value" % (len(data) - end))
    return value


def _take(data, at, n):
    if n > len(data) - at:
        raise PlainDataError("the data ends inside a value")
    return data[at:at + n], at + n


def _decode(data, at, depth):
    if depth > PLAIN_MAX_DEPTH:
        raise PlainDataError("the value is nested more than %d levels deep" % PLAIN_MAX_DEPTH)
    tag, at = _take(data, at, 1)
    if tag == b"N":
        return None, at
    if tag in (b"T", b"F"):
        return tag == b"T", at
    if tag == b"f":
        raw, at = _take(data, at, 8)
        return _F64.unpack(raw)[0], at
    raw, at = _take(data, at, 4)
    n = _U32.unpack(raw)[0]
    if tag in (b"i", b"s", b"b"):
        raw, at = _take(data, at, n)
        if tag == b"i":
            return int.from_bytes(raw, "big", signed=True), at
        if tag == b"b":
            return bytes(raw), at
        try:
            return bytes(raw).decode("utf-8", "surrogatepass"), at
        except UnicodeDecodeError as e:
            raise PlainDataError("a string that is not UTF-8: %s" % e) from None
    if tag not in (b"l", b"t", b"d", b"e", b"z"):
        raise PlainDataError("unknown type tag %r" % tag)
    if n > len(data) - at:   # every element takes at least one byte
        raise PlainDataError("a container claims more elements than the data holds")
    items = []
    append = items.append
    end = len(data)
    inline = depth + 1 <= PLAIN_MAX_DEPTH
    runs = tag != b"d"
    left = n * 2 if tag == b"d" else n
    while left:
        left -= 1
        # Runs, floats and ints inline with the same bounds checks as _decode; anything else
        # through it.
        kind = data[at] if inline and at < end else None
        if (kind == 0x41 or kind == 0x51) and runs:     # 'A', 'Q': a run of count elements
            if at + 5 > end:
                raise PlainDataError("the data ends inside a value")
            count = _U32.unpack_from(data, at + 1)[0]
            if count == 0 or count - 1 > left:
                raise PlainDataError("a run of %d elements where %d are left" % (count, left + 1))
            if count * 8 > end - at - 5:
                raise PlainDataError("the data ends inside a value")
            a = _array.array("d" if kind == 0x41 else "q")
            a.frombytes(data[at + 5:at + 5 + count * 8])
            if _SWAP:
                a.byteswap()
            items.extend(a.tolist())
            at += 5 + count * 8
            left -= count - 1
        elif kind == 0x66 and at + 9 <= end:              # 'f'
            append(_F64.unpack_from(data, at + 1)[0])
            at += 9
        elif kind == 0x69 and at + 5 <= end:            # 'i'
            size = _U32.unpack_from(data, at + 1)[0]
            if size > end - at - 5:
                raise PlainDataError("the data ends inside a value")
            append(int.from_bytes(data[at + 5:at + 5 + size], "big", signed=True))
            at += 5 + size
        else:
            item, at = _decode(data, at, depth + 1)
            append(item)
    try:
        if tag == b"l":
            return items, at
        if tag == b"t":
            return tuple(items), at
        if tag == b"d":
            return dict(zip(items[0::2], items[1::2])), at
        return (set if tag == b"e" else frozenset)(items), at
    except TypeError as e:   # an unhashable key or member
        raise PlainDataError(str(e)) from None


def plain_send(fd, value, strict, write):
    """Writes one frame; `write` is os.write (bound by the caller before untrusted code ran)."""
    plain_send_body(fd, plain_encode(value, strict), write)


def plain_send_body(fd, body, write):
    """Writes one frame whose body is already encoded."""
    data = memoryview(_U32.pack(len(body)) + body)
    while data:
        data = data[write(fd, data):]


def plain_receive(fd, read):
    """Reads one frame and decodes it; None at end of file (the other process is gone)."""
    head = _read_exact(fd, 4, read)
    if head is None:
        return None
    n = _U32.unpack(head)[0]
    if n > PLAIN_MAX_FRAME:
        raise PlainDataError("a frame of %d bytes (at most %d)" % (n, PLAIN_MAX_FRAME))
    body = _read_exact(fd, n, read)
    if body is None:
        raise PlainDataError("the data ends inside a frame")
    return (plain_decode(body),)


def _read_exact(fd, n, read):
    chunks = []
    while n:
        b = read(fd, min(n, 1 << 20))
        if not b:
            return None
        chunks.append(b)
        n -= len(b)
    return b"".join(chunks)
