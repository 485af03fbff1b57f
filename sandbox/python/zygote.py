# mpt-eval sandbox zygote (embedded into the mpt_sandbox library at build time).
#
# Embedded after plain_data.py, split_check.py and audit_guards.py (one source, run with -c).
#
# The harness starts one zygote per worker, already inside the worker's sandbox (own user, pid, net,
# mount, ipc and uts namespaces, read-only system view, seccomp filter; see sandbox/zygote_process.cpp).
# The zygote imports the modules HumanEval programs use once, then serves requests on fd 0 and answers
# on fd 1 (frames: 4-byte big-endian length + JSON). For each program it clones ONE fresh process with
# new user, pid, net, mount, ipc and uts namespaces (nested in the worker's), which sets up its own
# limits, drops to a non-root uid, installs the program seccomp filter and the audit hook. With
# split-process checking (the default) there are two such processes per program:
#
#     candidate:  exec(solution), then answer calls of <entry point> with plain data (split_check.py)
#     checker:    exec(prelude); exec(test); check(proxy)   # proxy: calls the candidate over one pipe pair
#                 connect(/.mpt/done)                       # the completion marker, from the checker only
#
# and in-process checking runs exec(solution); exec(test); check(<entry point>); connect(/.mpt/done)
# in one process. The zygote itself never runs untrusted code. Threat model: docs/sandbox.md.
import _socket
import ctypes
import fcntl
import gc
import json
import os
import resource
import select
import socket
import struct
import sys
import time
import types
import math

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_RDONLY, MS_BIND = 2, 4, 8, 1, 4096
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 1, 38, 22, 2
SIGCHLD, SIGKILL = 17, 9
EXIT_TAMPER = 86          # the audit hook stopped a forbidden operation
EXIT_SETUP = 87           # the sandbox could not be set up (an infrastructure error)
EXIT_ESCAPED = 88         # a program process returned into zygote code (never expected)
KEEP_REPORT = 80 << 10    # bytes of the report channel sent back (its end): room for one full record

# ctypes objects live only in this dict: the program process clears it before any untrusted code
# runs, so no Python-level path leads from the program to a raw libc function.
_K = {}


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def read_exact(fd, n):
    chunks = []
    while n:
        b = os.read(fd, n)
        if not b:
            return None
        chunks.append(b)
        n -= len(b)
    return b"".join(chunks)


def read_frame(fd):
    head = read_exact(fd, 4)
    if head is None:
        return None
    body = read_exact(fd, struct.unpack(">I", head)[0])
    return None if body is None else json.loads(body)


def write_frame(fd, obj):
    body = json.dumps(obj).encode()
    data = struct.pack(">I", len(body)) + body
    while data:
        data = data[os.write(fd, data):]


def check_os(ret, what):
    if ret != 0:
        e = ctypes.get_errno()
        raise OSError(e, what + ": " + os.strerror(e))


class Zygote:
    def __init__(self, cfg):
        self.cfg = cfg
        self.isolate = cfg["isolate"]
        _K["libc"] = ctypes.CDLL(None, use_errno=True)
        _K["py"] = ctypes.PyDLL(None, use_errno=True)   # keeps the GIL across clone()
        _K["py"].syscall.restype = ctypes.c_long
        bpf = bytes.fromhex(cfg["bpf"])
        _K["bpf_buf"] = ctypes.create_string_buffer(bpf, len(bpf))
        _K["fprog"] = SockFprog(len(bpf) // 8, ctypes.addressof(_K["bpf_buf"]))
        for name in cfg["preload"]:
            __import__(name)
        self.hidden_files = banned_extension_files() if self.isolate else []
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if os.path.exists(cfg["done_path"]):
            os.unlink(cfg["done_path"])
        self.listener.bind(cfg["done_path"])
        os.chmod(cfg["done_path"], 0o777)
        self.listener.listen(16)
        self.listener.setblocking(False)

    def serve(self):
        write_frame(1, {"ready": True, "pid": os.getpid()})
        while True:
            req = read_frame(0)
            if req is None:
                return
            try:
                resp = self.run(req)
            except Exception as e:  # the zygote's own failure: an infrastructure error
                resp = {"seq": req.get("seq"), "error": "%s: %s" % (type(e).__name__, e)}
            write_frame(1, resp)

    def drain_listener(self):
        while True:
            try:
                self.listener.accept()[0].close()
            except (BlockingIOError, InterruptedError):
                return

    def run(self, req):
        started = time.monotonic()
        self.drain_listener()
        spawned = []
        try:
            if req.get("checking") == "split":
                call_r, call_w = os.pipe()
                reply_r, reply_w = os.pipe()
                try:
                    spawned.append(self.spawn(req, "candidate", {4: call_r, 5: reply_w}))
                    spawned.append(self.spawn(req, "checker", {4: call_w, 5: reply_r}))
                finally:
                    for fd in (call_r, call_w, reply_r, reply_w):
                        os.close(fd)
            elif req.get("steps"):
                spawned.append(self.spawn(req, "native", {}))   # a build-and-run recipe (native_runner.py)
            else:
                spawned.append(self.spawn(req, "program", {}))
        except BaseException:
            for proc in spawned:
                self.kill(proc["pid"])
                os.waitpid(proc["pid"], 0)
                for fd in proc["fds"]:
                    os.close(fd)
            raise
        released = time.monotonic()
        response = self.supervise(req, spawned[-1], spawned[0] if len(spawned) > 1 else None)
        response["phases"].update(clone=sum(p["clone"] for p in spawned), maps=sum(p["maps"] for p in spawned),
                                  spawn=released - started)
        return response

    def spawn(self, req, role, channel):
        """Starts one program process for `role`; returns its pid, its stdout/stderr/report pipes'
        read ends and how long the clone and the id maps took."""
        started = time.monotonic()
        zygote_pid = os.getpid()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        rep_r, rep_w = os.pipe()
        sync_r, sync_w = os.pipe()
        flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS
        # The checker runs only trusted code (the prompt, the test, plain data decoded by this file's
        # code): it stays in the worker's namespaces, which saves creating and tearing down six.
        # Its other walls (uid, no capabilities, rlimits, seccomp, audit hook) are the program's.
        namespaces = self.isolate and role != "checker"
        if namespaces:
            _K["py"].PyOS_BeforeFork()
            pid = _K["py"].syscall(self.cfg["sys_clone"], ctypes.c_ulong(flags | SIGCHLD), 0, 0, 0, 0)
            if pid == 0:
                _K["py"].PyOS_AfterFork_Child()
            else:
                _K["py"].PyOS_AfterFork_Parent()
            if pid < 0:
                for fd in (out_r, out_w, err_r, err_w, rep_r, rep_w, sync_r, sync_w):
                    os.close(fd)
                raise OSError(ctypes.get_errno(), "clone: " + os.strerror(ctypes.get_errno()))
        else:
            pid = os.fork()
        if pid == 0:
            exit_ = os._exit
            try:
                fds = dict(channel)
                fds.update({1: out_w, 2: err_w, 3: rep_w})
                self.child(req, role, sync_r, fds, zygote_pid)   # ends with os._exit
            finally:
                exit_(EXIT_ESCAPED)
        cloned = time.monotonic()
        for fd in (out_w, err_w, rep_w, sync_r):
            os.close(fd)
        try:
            if namespaces:
                for name in ("uid_map", "gid_map"):
                    with open("/proc/%d/%s" % (pid, name), "w") as f:
                        f.write(self.cfg[name])
            os.write(sync_w, b"g")
        except BaseException:
            self.kill(pid)
            os.waitpid(pid, 0)
            for fd in (out_r, err_r, rep_r):
                os.close(fd)
            raise
        finally:
            os.close(sync_w)
        return {"pid": pid, "fds": (out_r, err_r, rep_r), "clone": cloned - started, "maps": time.monotonic() - cloned}

    # ---- the program process (runs in the child; never returns) ----

    def child(self, req, role, sync_r, fds, zygote_pid):
        """The program process of `role` ("program": solution and test in one process; "candidate"
        or "checker" of split-process checking). fds: what becomes fd 1 (stdout), 2 (stderr),
        3 (report) and, split, 4 and 5 (the channel). Never returns."""
        cfg = self.cfg
        # Bound before any untrusted code runs: rebinding os._exit or os.write later changes nothing here.
        exit_, write, read = os._exit, os.write, os.read
        try:
            if os.read(sync_r, 1) != b"g":
                os._exit(EXIT_SETUP)
            setup_start = time.monotonic()
            libc = _K["libc"]
            if self.isolate and role == "checker":
                workdir = "/"   # the worker's read-only root; the checker writes no files
            elif self.isolate:
                tmp_opts = "size=%d,nr_inodes=%d,mode=0700,uid=%d,gid=%d" % (
                    cfg["tmpfs_bytes"], cfg["tmpfs_inodes"], cfg["uid"], cfg["gid"])
                # A native recipe runs the program it built in /tmp: its tmpfs allows exec.
                noexec = 0 if role == "native" else MS_NOEXEC
                check_os(libc.mount(b"tmpfs", b"/tmp", b"tmpfs", ctypes.c_ulong(MS_NOSUID | MS_NODEV | noexec),
                                    tmp_opts.encode()), "mount /tmp")
                # An empty read-only tmpfs hides /proc: no process list, no /proc/self/mem or maps.
                check_os(libc.mount(b"tmpfs", b"/proc", b"tmpfs",
                                    ctypes.c_ulong(MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY),
                                    b"size=4k,nr_inodes=1,mode=0555"), "mount /proc")
                if role == "candidate":   # only the checker may reach the completion socket
                    check_os(libc.mount(b"tmpfs", b"/.mpt", b"tmpfs",
                                        ctypes.c_ulong(MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY),
                                        b"size=4k,nr_inodes=1,mode=0555"), "mount /.mpt")
                # The banned extension modules' files read as empty: they cannot be loaded afresh.
                for path in (self.hidden_files if role != "native" else ()):
                    check_os(libc.mount(b"/dev/null", path.encode(), None, ctypes.c_ulong(MS_BIND), None),
                             "hide " + path)
                workdir = "/tmp"
            else:
                workdir = os.path.join(cfg["unsafe_workdir"], "p%d" % os.getpid())
                os.mkdir(workdir, 0o700)
                if os.getuid() == 0:
                    os.chown(workdir, cfg["uid"], cfg["gid"])
            # A session and process group of its own: kill(0, ...) reaches a process group across pid
            # namespaces, so sharing the zygote's would let a program signal every process of the
            # same uid in it (the checker, the other workers' programs).
            os.setsid()
            os.chdir(workdir)
            if self.isolate or os.getuid() == 0:
                os.setgroups([])
                os.setresgid(cfg["gid"], cfg["gid"], cfg["gid"])
                os.setresuid(cfg["uid"], cfg["uid"], cfg["uid"])
                header = (ctypes.c_uint32 * 2)(0x20080522, 0)    # _LINUX_CAPABILITY_VERSION_3, this process
                check_os(libc.capset(header, (ctypes.c_uint32 * 6)()), "capset")   # no capability left
            if not self.isolate:   # (with isolation the program dies with the zygote's pid namespace)
                # Armed after the id change, which clears it; then make sure the zygote is still there.
                check_os(libc.prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0), "parent-death signal")
                if os.getppid() != zygote_pid:
                    os._exit(EXIT_SETUP)
            rlimits = dict(cfg["rlimits"])
            cpu = math.ceil(req["timeout"]) + 1   # CPU seconds: a backstop behind the wall clock
            rlimits["RLIMIT_CPU"] = [cpu, cpu + 1]
            if role == "native":   # room for every step; each step lowers them to its own
                steps = req["steps"]
                rlimits["RLIMIT_AS"] = [max(s["memory"] for s in steps)] * 2
                rlimits["RLIMIT_NPROC"] = [max(s["nproc"] for s in steps) + 1] * 2
            for name, (soft, hard) in rlimits.items():   # only ever lowered
                which = resource.__dict__[name]
                current = resource.getrlimit(which)[1]
                hard = hard if current == resource.RLIM_INFINITY else min(hard, current)
                resource.setrlimit(which, (min(soft, hard), hard))
            fds[0] = os.open("/dev/null", os.O_RDONLY)
            moved = {dst: fcntl.fcntl(src, fcntl.F_DUPFD, 6) for dst, src in fds.items()}   # clear of 0..5
            for dst, src in moved.items():
                os.dup2(src, dst)
            os.closerange(len(fds), 1 << 20)
            check_os(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
            # A native recipe execs compilers and programs: the program filter (no execve) is not
            # loaded; the worker's filter, inherited, still holds (no network, no ptrace, ...).
            if req.get("seccomp", True) and self.isolate and role != "native":
                check_os(libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(_K["fprog"]), 0, 0), "seccomp")
            # No Python-level path may lead from the program to ctypes (raw memory, raw syscalls).
            # These go with the audit hook (the Python-level layer, which tests switch off to show
            # that the layers below hold).
            if req.get("audit_hook", True) and role != "native":
                for name in [m for m in sys.modules if m.startswith(BANNED_MODULE_PREFIXES)]:
                    del sys.modules[name]
                guard_extension_loading()
            for name in ("ctypes", "SockFprog"):
                globals().pop(name, None)
            _K.clear()
            del libc
            # Set-up finished: from here on, any outcome is the program's. "P": how long set-up took.
            os.write(3, b"R\nP%.6f\n" % (time.monotonic() - setup_start))
        except BaseException as e:
            try:
                write(fds[3], ("S%s: %s\n" % (type(e).__name__, e)).encode("utf-8", "replace")[:4096])
            finally:
                exit_(EXIT_SETUP)
        flushes = (sys.stdout.flush, sys.stderr.flush)   # bound before the program can replace them
        status = 1
        try:
            audit = req.get("audit_hook", True)
            if role == "native":
                status = run_native(req, cfg["done_path"], write)
            elif role == "candidate":
                # The checker's text is not the candidate's to read: the test (HumanEval+: the
                # canonical solution or the expected outputs) and the prelude leave this process's
                # copy of the request, which the zygote's frames (sys._getframe().f_back...) reach.
                for key in ("test", "prelude"):
                    req.pop(key, None)
                if audit:
                    arm(None)   # no frame of the candidate's process may use a socket
                serve_candidate(req["solution"], req["entry_point"], 4, 5, read, write, lambda: flush_all(flushes))
            elif role == "checker":
                proxy = connect_candidate(4, 5, read, write)
                run_checked(usable_prelude(req.get("prelude", "")), req["test"], req["entry_point"], req["seq"], cfg["done_path"],
                            audit, flushes, proxy)
            else:
                run_checked(req["solution"], req["test"], req["entry_point"], req["seq"], cfg["done_path"],
                            audit, flushes, None)
            status = status if role == "native" else 0
        except BaseException as e:
            report_failure(e, write)
        finally:
            # Whatever happened (a failing report, a patched os._exit, an exception from a finalizer),
            # the process ends here: it never returns into the zygote's code.
            try:
                flush_all(flushes)
            finally:
                exit_(status)

    # ---- supervision (in the zygote) ----

    def supervise(self, req, main, candidate):
        """Waits for `main` (the program, or the checker) to end, within the request's wall clock,
        collecting output; ends `candidate` (split-process) with it. The verdict facts are main's:
        its exit status, its report channel and the completion marker from its pid. Output of both
        counts towards the output limit; the candidate's report channel is read and dropped."""
        cfg = self.cfg
        pid = main["pid"]
        procs = [main] + ([candidate] if candidate else [])
        t0 = time.monotonic()
        deadline = t0 + req["timeout"]
        exited = None
        pidfd = os.pidfd_open(pid)
        streams, totals, reports = {}, {}, set()
        for proc in procs:
            out_r, err_r, rep_r = proc["fds"]
            for fd in proc["fds"]:
                streams[fd] = bytearray()
                os.set_blocking(fd, False)
            totals[out_r] = totals[err_r] = 0
            reports.add(rep_r)
        open_fds = set(streams)
        poller = select.poll()
        for fd in list(streams) + [pidfd, self.listener.fileno()]:
            poller.register(fd, select.POLLIN)
        status, timed_out, output_limit, done, killed = None, False, False, False, False
        while status is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 and not killed:
                timed_out = not done   # a program that signalled completion has passed; it just lingers
                for proc in procs:
                    self.kill(proc["pid"])
                killed = True
            wait_ms = 1000 if killed else max(1, int(remaining * 1000) + 1)
            for fd, _ in poller.poll(wait_ms):
                if fd == pidfd:
                    status = os.waitpid(pid, 0)[1]
                    exited = time.monotonic()
                elif fd == self.listener.fileno():
                    done = self.accept_done(pid, req["seq"]) or done
                elif fd in open_fds:
                    if not self.read_stream(fd, streams, totals, reports, open_fds, poller):
                        continue
                    if sum(totals.values()) > cfg["output_bytes"] and not killed and not done:
                        output_limit = killed = True
                        for proc in procs:
                            self.kill(proc["pid"])
        candidate_status, candidate_killed = None, False
        if candidate:
            if streams[main["fds"][2]].endswith(b"\nC\n"):
                # The checker saw the candidate's channel close: the candidate is ending on its own
                # (closing its files comes before its exit status exists). Its status tells how.
                cand_fd = os.pidfd_open(candidate["pid"])
                select.select([cand_fd], [], [], max(5.0, deadline - time.monotonic()))
                os.close(cand_fd)
            # Still running now means the checker ended first (or was ended): this kill is ours.
            reaped, candidate_status = os.waitpid(candidate["pid"], os.WNOHANG)
            candidate_killed = reaped == 0
            if candidate_killed:
                self.kill(candidate["pid"])
                candidate_status = os.waitpid(candidate["pid"], 0)[1]
        for fd in list(open_fds):   # whatever the processes wrote before they ended
            while self.read_stream(fd, streams, totals, reports, open_fds, poller):
                pass
        os.close(pidfd)
        for proc in procs:
            for fd in proc["fds"]:
                os.close(fd)
        if not self.isolate:
            for proc in procs:
                self.remove_tree(os.path.join(cfg["unsafe_workdir"], "p%d" % proc["pid"]))
        keep = cfg["keep_output_bytes"]
        out_r, err_r, rep_r = main["fds"]
        head = bytes(streams[rep_r][:64]).split(b"\n")
        setup = float(head[1][1:]) if len(head) > 2 and head[0] == b"R" and head[1][:1] == b"P" else 0.0
        # Where a program's time went (bench_sandbox prints them): the clone, writing the id maps,
        # the program process's set-up, then set-up to exit, and draining its output afterwards.
        phases = {"setup": setup, "program": exited - t0 - setup, "drain": time.monotonic() - exited}
        stdout = b"".join(bytes(streams[p["fds"][0]]) for p in procs)[:keep]
        stderr = b"".join(bytes(streams[p["fds"][1]]) for p in procs)[:keep]
        response = {
            "phases": phases,
            "seq": req["seq"], "status": os.waitstatus_to_exitcode(status), "timed_out": timed_out,
            "output_limit": output_limit, "done": done, "wall": time.monotonic() - t0,
            "stdout": stdout.decode("utf-8", "replace"), "stderr": stderr.decode("utf-8", "replace"),
            "stdout_bytes": sum(totals[p["fds"][0]] for p in procs),
            "stderr_bytes": sum(totals[p["fds"][1]] for p in procs),
            "report": bytes(streams[rep_r]).decode("utf-8", "replace"),
        }
        if candidate:
            # Its report's end: a forbidden operation (a "T" line) is told as such when it ended it.
            response["candidate"] = {"killed": candidate_killed,
                                     "report": bytes(streams[candidate["fds"][2]][-512:]).decode("utf-8", "replace"),
                                     "status": None if candidate_status is None else os.waitstatus_to_exitcode(candidate_status)}
        return response

    def read_stream(self, fd, streams, totals, reports, open_fds, poller):
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return False
        if not data:
            open_fds.discard(fd)
            poller.unregister(fd)
            return False
        buf = streams[fd]
        if fd in totals:   # stdout, stderr: the first bytes, and a count
            limit = self.cfg["keep_output_bytes"]
            if len(buf) < limit:
                buf += data[:limit - len(buf)]
            totals[fd] += len(data)
        elif fd in reports:  # a report: its first line (set-up done) and its last KEEP_REPORT bytes
            buf += data
            if len(buf) > 2 * KEEP_REPORT:
                del buf[2:len(buf) - KEEP_REPORT]
                buf[2:2] = b"\n"
        return True

    def accept_done(self, pid, seq):
        try:
            conn = self.listener.accept()[0]
        except (BlockingIOError, InterruptedError):
            return False
        try:
            peer = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[0]
            conn.settimeout(1.0)
            line = conn.recv(64)
            if peer == pid and line == b"done %d\n" % seq:
                conn.sendall(b"k")
                return True
            return False
        except OSError:
            return False
        finally:
            conn.close()

    def kill(self, pid):
        # Its process group (every program process leads its own; the checker and the unsafe mode's
        # programs are not namespace inits), then the process itself: a namespace init takes its tree.
        for send in (os.killpg, os.kill):
            try:
                send(pid, SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    @staticmethod
    def remove_tree(path):
        for root, dirs, files in os.walk(path, topdown=False):
            for name in files + dirs:
                p = os.path.join(root, name)
                (os.rmdir if name in dirs and not os.path.islink(p) else os.unlink)(p)
        if os.path.isdir(path):
            os.rmdir(path)


def flush_all(flushes):
    for flush in flushes:
        try:
            flush()
        except BaseException:
            pass


def report_failure(e, write):
    """Writes the failure record on the report channel (fd 3), one line:
    "F<type>\t<message>", the message's backslashes, newlines and carriage returns escaped, at most
    MESSAGE_KEEP characters of it (its end); "C" when the candidate's process went away."""
    if type(e) is CandidateGone:
        write(3, b"\nC\n")
        return
    _, name, _, text = describe_exception(e)
    text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    write(3, ("\nF%s\t%s\n" % (name.replace("\t", " "), text)).encode("utf-8", "backslashreplace"))


def run_checked(solution, test, entry, seq, done_path, audit_hook, flushes, candidate):
    """Runs solution, then test, then check(candidate or the solution's entry point); signals
    completion only when check() returned. Split-process: `solution` is the checker's trusted
    prelude (HumanEval: the prompt, whose helpers some tests call) and `candidate` the proxy, also
    bound to the entry point's name for tests that call it by name."""
    # Everything used after the first untrusted statement is a local of this frame, bound before
    # any untrusted code runs: a program can rebind this module's globals or the builtins, not these.
    type_, exec_, function_type, code_type = type, exec, types.FunctionType, types.CodeType
    name_error, runtime_error, flush_all_ = NameError, RuntimeError, flush_all
    new_socket, af_unix, sock_stream = _socket.socket, _socket.AF_UNIX, _socket.SOCK_STREAM
    solution_code = compile(solution, "<string>", "exec", dont_inherit=True)
    test_code = compile(test, "<string>", "exec", dont_inherit=True)
    check_codes = [c for c in test_code.co_consts if type_(c) is code_type and c.co_name == "check"]
    if len(check_codes) != 1:
        raise runtime_error("the test does not define exactly one function named check")
    check_code = check_codes[0]
    message = b"done %d\n" % seq
    if audit_hook:
        arm(sys._getframe())
    g = {}
    exec_(solution_code, g)
    exec_(test_code, g)
    check = g.get("check")
    if type_(check) is not function_type or check.__code__ is not check_code or check.__globals__ is not g:
        raise runtime_error("the test's check function was replaced")
    if candidate is not None:
        g[entry] = candidate
    if entry not in g:
        raise name_error("name '%s' is not defined" % entry)
    check(g[entry])
    flush_all_(flushes)
    sock = new_socket(af_unix, sock_stream)
    sock.connect(done_path)
    sock.sendall(message)
    sock.recv(1)


def main():
    zygote = Zygote(json.loads(sys.argv[1]))
    gc.freeze()   # the preloaded heap stays shared (copy-on-write) between the zygote and its children
    zygote.serve()


main()
