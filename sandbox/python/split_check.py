# Split-process checking (embedded after plain_data.py, before zygote.py; see docs/sandbox.md).
#
# The candidate's process runs the solution and answers calls; the checker's process runs the
# problem's test with `candidate` bound to a proxy. Each call sends the arguments as plain data and
# gets plain data back (plain_data.py): the test's comparisons run on values decoded by trusted
# code, so an object that lies about equality cannot reach them, and nothing the candidate's process
# does (its output, its memory, its exit) can make the checker's check() return.
#
# Channel (one pipe each way), frames of plain data:
#   candidate -> checker, once:   ("ready",)  or  ("raise", type name, args or None, message)
#   checker -> candidate, a call: (args tuple, kwargs dict)
#   candidate -> checker, answer: ("ok", value) | ("raise", type name, args or None, message)
#                                 | ("refused", why)   (the value was not plain data)
import builtins as _builtins

MESSAGE_KEEP = 8192   # characters of an exception message kept (the end; see docs/sandbox.md)


class CandidateGone(Exception):
    """The candidate's process closed its end of the channel (it exited, crashed or was killed)."""


def describe_exception(e):
    """("raise", type name, args when they are plain data else None, message), never raising."""
    try:
        name = type(e).__name__
        name = name if type(name) is str else "Exception"
    except BaseException:
        name = "Exception"
    try:
        message = str(e)
        message = message if type(message) is str else "(unprintable exception)"
    except BaseException:
        message = "(unprintable exception)"
    if len(message) > MESSAGE_KEEP:
        message = "..." + message[-MESSAGE_KEEP:]
    try:
        args = e.args if type(e.args) is tuple else None
        plain_encode(args, False)
    except BaseException:
        args = None
    return ("raise", name, args, message)


def serve_candidate(solution, entry, calls, replies, read, write, flush):
    """The candidate's process: runs the solution, then answers calls until the checker hangs up.
    Its output is flushed before every answer: the process may be ended as soon as the checker is done."""
    g = {}
    try:
        exec(compile(solution, "<string>", "exec", dont_inherit=True), g)
        if entry not in g:
            raise NameError("name '%s' is not defined" % entry)
        function = g[entry]
    except BaseException as e:
        flush()
        plain_send(replies, describe_exception(e), False, write)
        return
    flush()
    plain_send(replies, ("ready",), True, write)
    while True:
        call = plain_receive(calls, read)
        if call is None:
            return
        args, kwargs = call[0]
        try:
            answer = ("ok", function(*args, **kwargs))
        except BaseException as e:
            answer = describe_exception(e)
        try:
            body = plain_encode(answer, False)
        except PlainDataError as e:
            body = plain_encode(("refused", "the candidate's answer: %s" % e), True)
        except BaseException as e:   # e.g. MemoryError while encoding a huge answer
            body = plain_encode(describe_exception(e), True)
        flush()
        plain_send_body(replies, body, write)


def _rebuild_exception(name, args, message):
    """The candidate's exception as one the test can catch: the builtin class of that name when
    there is one (so `except ValueError` works), else a new Exception subclass with the name; str()
    gives the candidate's message either way."""
    if type(name) is not str or not name.isidentifier():
        name = "Exception"
    if type(message) is not str:
        message = ""
    cls = _builtins.__dict__.get(name)
    if not (isinstance(cls, type) and issubclass(cls, BaseException)):
        cls = Exception
    try:
        e = cls(*args) if type(args) is tuple else cls(message)
        if type(e).__name__ == name and str(e) == message:
            return e
    except BaseException:
        pass
    # A subclass with the candidate's name and message (e.g. an OSError whose filename was lost).
    sub = type(name, (cls,), {"__str__": lambda self: message, "__module__": "candidate"})
    try:
        return sub(*args) if type(args) is tuple else sub(message)
    except BaseException:
        return sub()


def _answer(reply):
    if reply is None:
        raise CandidateGone("the candidate's process ended")
    r = reply[0]
    if type(r) is tuple and r:
        if r[0] == "ok" and len(r) == 2:
            return r[1]
        if r[0] == "ready" and len(r) == 1:
            return None
        if r[0] == "raise" and len(r) == 4:
            raise _rebuild_exception(r[1], r[2], r[3])
        if r[0] == "refused" and len(r) == 2 and type(r[1]) is str:
            raise PlainDataError(r[1])
    raise PlainDataError("the candidate's process sent a malformed answer")


def usable_prelude(prelude):
    """The checker's prelude as Python that compiles: the prompt as given (HumanEval's end in a
    docstring, a complete function), else with `pass` as the body of its last, unfinished block
    (a prompt that is just a signature), else nothing (the test then runs alone)."""
    if prelude and not prelude.endswith("\n"):
        prelude += "\n"
    lines = [line for line in prelude.split("\n") if line.strip()]
    indent = (lines[-1][:len(lines[-1]) - len(lines[-1].lstrip())] + "    ") if lines else ""
    for text in (prelude, prelude + indent + "pass\n"):
        try:
            compile(text, "<prelude>", "exec", dont_inherit=True)
            return text
        except (SyntaxError, ValueError):
            pass
    return ""


def connect_candidate(calls, replies, read, write):
    """The checker's side: waits for the candidate to be ready (re-raising its solution's exception,
    as the in-process mode would) and returns the proxy the test calls as `candidate`."""
    _answer(plain_receive(replies, read))

    def candidate(*args, **kwargs):
        plain_send(calls, (args, kwargs), True, write)
        return _answer(plain_receive(replies, read))

    return candidate
