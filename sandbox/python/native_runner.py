# Build-and-run recipes for compiled and non-Python languages (C++, JavaScript, ...), run by the
# zygote's "native" program process (embedded before zygote.py).
#
# The native program process is trusted code: the zygote's fork in fresh namespaces, set up like a
# Python program's (private /tmp, hidden /proc, uid 1000, rlimits, no capabilities, no_new_privs,
# the worker's seccomp filter), but without the program filter, because it must exec the compiler,
# the interpreter and the built program. It writes the request's files into /tmp and runs each of
# the recipe's steps (e.g. g++, then ./a.out) as a child with the step's own wall clock, address
# space, process count and output limit; the untrusted code only ever runs in those children, which
# get fds 0-2 and nothing else (not the report channel, not the completion socket's peer identity:
# the zygote accepts the completion marker from this process's pid only). It is pid 1 of its pid
# namespace, so whatever a step leaves behind dies when it ends.
#
# The verdict is decided here and written on the report channel as one line
# "N<verdict>\t<message>" (verdict.cpp reads it); a pass is the completion marker, sent only when
# every step exited 0 and, where the request expects an exact stdout, the last step printed it, and,
# where it names a completion token, the last step wrote exactly that token to its fd 3 (the write
# end of a pipe read here; the check form's trailer writes it once the test has run to its end, so a
# program that exits 0 early, before its tests, fails).

NATIVE_KEEP = 4096          # bytes of a step's stderr kept (its head and its tail) for messages
TOKEN_KEEP = 4096           # bytes of the completion-token pipe kept (a token is far shorter)
NATIVE_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TMPDIR": "/tmp", "HOME": "/tmp"}
# What a program's stderr says when it ran out of memory (the C++ runtime, V8, glibc).
OUT_OF_MEMORY_SIGNS = (b"std::bad_alloc", b"heap out of memory", b"Fatal process out of memory",
                       b"Cannot allocate memory", b"out of memory")


def run_step(step, forward, write, token=False):
    """Runs one step; returns its facts: status (negative: signal), timed_out, over_output,
    stdout (what it printed, up to its output limit), stderr (head and tail) and, with `token`,
    what it wrote to its fd 3 (up to TOKEN_KEEP bytes)."""
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    tok_r, tok_w = os.pipe() if token else (None, None)
    cpu = int(math.ceil(step["timeout"])) + 1
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()   # its own process group: a timeout kills what it started too
            for which, value in ((resource.RLIMIT_AS, step["memory"]), (resource.RLIMIT_NPROC, step["nproc"]),
                                 (resource.RLIMIT_CPU, cpu)):
                resource.setrlimit(which, (value, value + (1 if which == resource.RLIMIT_CPU else 0)))
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            if token:   # over this process's report channel, in the child only
                os.dup2(tok_w, 3)
            os.closerange(4 if token else 3, 1 << 20)   # never the report channel or anything else
            os.execve(step["argv"][0], step["argv"], NATIVE_ENV)
        except OSError as e:   # a missing toolchain: said on stderr, which the verdict's message shows
            os.write(2, ("cannot execute %s: %s\n" % (step["argv"][0], e.strerror)).encode())
        finally:
            os._exit(127)
    os.close(out_w)
    os.close(err_w)
    if token:
        os.close(tok_w)
    pidfd = os.pidfd_open(pid)
    deadline = time.monotonic() + step["timeout"]
    out, err_head, err_tail, tok = bytearray(), bytearray(), bytearray(), bytearray()
    total, status, timed_out, over = 0, None, False, False
    open_fds = {out_r, err_r} | ({tok_r} if token else set())
    for fd in open_fds:
        os.set_blocking(fd, False)

    def drain(fd, once):
        """Reads what is there (one chunk when `once`: the output limit is checked between
        chunks); False at end of file."""
        nonlocal total
        while True:
            try:
                data = os.read(fd, 65536)
            except BlockingIOError:
                return True
            if not data:
                return False
            if fd == tok_r:   # not output: neither counted nor forwarded
                tok.extend(data[:max(0, TOKEN_KEEP - len(tok))])
                if once:
                    return True
                continue
            total += len(data)
            if fd == out_r:
                if len(out) < step["output"]:
                    out.extend(data[:step["output"] - len(out)])
            else:
                if len(err_head) < NATIVE_KEEP:
                    err_head.extend(data[:NATIVE_KEEP - len(err_head)])
                err_tail.extend(data)
                del err_tail[:max(0, len(err_tail) - NATIVE_KEEP)]
            if forward:
                try:
                    write(1 if fd == out_r else 2, data)
                except OSError:
                    pass
            if once:
                return True

    def kill():
        for send in (os.killpg, os.kill):
            try:
                send(pid, SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    while status is None:
        remaining = deadline - time.monotonic()
        if remaining <= 0 and not timed_out:
            timed_out = True
            kill()
        ready, _, _ = select.select([pidfd] + list(open_fds), [], [], max(0.0, remaining) if not timed_out else 1.0)
        for fd in ready:
            if fd == pidfd:
                status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
            elif not drain(fd, True):
                open_fds.discard(fd)
        if total > step["output"] and not over:
            over = True
            kill()
    kill()   # what it left behind (background children holding its pipes)
    for fd in list(open_fds):
        drain(fd, False)
    for fd in (out_r, err_r, pidfd) + ((tok_r,) if token else ()):
        os.close(fd)
    err = bytes(err_head) if len(err_head) < NATIVE_KEEP else bytes(err_head) + b"\n...\n" + bytes(err_tail)
    return {"status": status, "timed_out": timed_out, "over": over, "stdout": bytes(out), "stderr": err,
            "token": bytes(tok)}


def native_verdict(write, verdict, message):
    text = message.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    write(3, ("\nN%s\t%s\n" % (verdict, text)).encode("utf-8", "backslashreplace"))


def step_problem(step, r):
    """(verdict, message) for a step that did not succeed, or None."""
    err = r["stderr"]
    text = err.decode("utf-8", "replace").strip()
    if r["timed_out"]:
        return "timeout", "%s: timed out after %g s" % (step["name"], step["timeout"])
    if r["over"]:
        return "output_limit", "%s: output limit exceeded (more than %d bytes)" % (step["name"], step["output"])
    s = r["status"]
    if s < 0 and -s in (SIGKILL, 24):   # SIGXCPU (24) or the kernel's SIGKILL past the hard CPU limit
        return "timeout", "%s: CPU time limit" % step["name"]
    if s != 0 and any(sign in err for sign in OUT_OF_MEMORY_SIGNS):
        return "memory", "%s: %s" % (step["name"], first_line_with(text, OUT_OF_MEMORY_SIGNS))
    if s < 0 and b"Assertion" in err:   # assert() from <assert.h> aborts
        return "failed", first_line_with(text, (b"Assertion",))
    if s < 0:
        return "crashed", str(-s)
    if s != 0:
        return "failed", error_line(text) or "%s exited with status %d" % (step["name"], s)
    return None


def first_line_with(text, signs):
    for line in text.splitlines():
        if any(sign.decode() in line for sign in signs):
            return line.strip()
    return last_lines(text)


def error_line(text):
    """The exception a program died of (node: "Error: Assertion failed: ..."), else its last lines."""
    for line in text.splitlines():
        head = line.strip().split(":", 1)[0].split(" ", 1)[0]
        if head.endswith("Error") and ":" in line:
            return line.strip()
    return last_lines(text)


def last_lines(text, count=3):
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[-count:]) if lines else ""


def run_native(req, done_path, write):
    """Writes the files, runs the steps, decides; the completion marker only for a pass."""
    for name, text in req["files"].items():
        with open(name, "w", encoding="utf-8", errors="replace") as f:
            f.write(text)
    steps = req["steps"]
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        token = req.get("completion_token") if last else None
        r = run_step(step, step.get("forward", False), write, token is not None)
        problem = step_problem(step, r)
        if problem and step.get("compile"):
            verdict, message = problem
            if verdict == "crashed":
                message = "the compiler was killed by signal " + message
            elif verdict == "failed" and r["status"] > 0:
                message = compile_errors(r["stderr"].decode("utf-8", "replace"))
            native_verdict(write, "compile_error", message)
            return 1
        if problem:
            native_verdict(write, *problem)
            return 1
        if last and req.get("expect_stdout") is not None and r["stdout"] != req["expect_stdout"].encode():
            native_verdict(write, "failed", "wrong output: expected %r, got %r" % (
                req["expect_stdout"][:200], r["stdout"][:200].decode("utf-8", "replace")))
            return 1
        if token is not None and r["token"] != token.encode():
            # Exit status 0 (step_problem passed it) without the token: the program ended before
            # its tests did (an exit(0) / process.exit(0) in the completion). The words are those
            # of a Python program that exits early (verdict.cpp).
            native_verdict(write, "failed", "the program exited before its tests finished (exit status 0)")
            return 1
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(done_path)
    sock.sendall(b"done %d\n" % req["seq"])
    sock.recv(1)
    return 0


def compile_errors(text, count=5):
    """The compiler's first error lines (where the problem starts), else its last lines."""
    errors = [line.strip() for line in text.splitlines() if "error" in line]
    return "\n".join(errors[:count]) if errors else last_lines(text)
