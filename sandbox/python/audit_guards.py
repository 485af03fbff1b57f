# The Python-level guards of a program process (embedded after split_check.py, before zygote.py;
# see docs/sandbox.md): the audit hook and the import guards. They are a layer above the kernel's
# (namespaces, seccomp, rlimits), which protect the host without them; tests switch them off to
# show that. In split-process checking the verdict does not depend on them either.
import _frozen_importlib_external
import _imp
import os
import sys
import types

# Modules a program must not load: raw memory and calls (ctypes, cffi), the C-API test modules
# (which poke at interpreter internals) and subinterpreters (which run without the audit hook).
BANNED_MODULE_PREFIXES = ("ctypes", "_ctypes", "_cffi", "_test", "_xx", "_interp")


def banned_extension_files():
    """The files of banned extension modules on the interpreter's path and in the system's
    dist-packages (a program may add those to sys.path): each program process hides them."""
    found = []
    dirs = [d for d in sys.path if d.startswith("/")] + ["/usr/lib/python3/dist-packages"]
    for d in dirs:
        try:
            names = os.listdir(d)
        except OSError:
            continue
        for name in names:
            if name.endswith(".so") and name.startswith(BANNED_MODULE_PREFIXES):
                found.append(os.path.join(d, name))
    return sorted(set(found))


def banned_module(name):
    return type(name) is not str or any(part.startswith(BANNED_MODULE_PREFIXES) for part in name.split("."))


def guard_extension_loading():
    """Extension modules load through _imp.create_dynamic, which returns a module the zygote
    loaded (its _ctypes) from a cache without reading the file again and without an audit event:
    refuse the banned names there. (A determined program can reach the original function through
    the guard's closure; split-process checking does not depend on this guard, see docs/sandbox.md.)"""
    original, namespace, import_error = _imp.create_dynamic, types.SimpleNamespace, ImportError

    def create_dynamic(spec, file=None):
        name, origin = spec.name, spec.origin
        if banned_module(name) or type(origin) is not str:
            raise import_error("module %r is not available in the sandbox" % (name,))
        clean = namespace(name=name, origin=origin)
        return original(clean) if file is None else original(clean, file)

    _imp.create_dynamic = create_dynamic


def arm(main_frame):
    """Installs the audit hook (it cannot be removed). It stops, by ending the process:
    socket use by any frame other than `main_frame` (so only the harness code after check() can
    signal completion), tracing and profiling (which could skip the test's lines), building code
    objects, swapping a function's code, walking the garbage collector's object graph, ctypes,
    importing a banned module, creating a subinterpreter (it would run without this hook), and
    unmarshalling outside the import system."""
    t, s, getframe, exit_, write = type, str, sys._getframe, os._exit, os.write
    compile_bytecode = _frozen_importlib_external._compile_bytecode.__code__
    vetoed = frozenset(("sys.settrace", "sys.setprofile", "code.__new__", "gc.get_objects",
                        "gc.get_referrers", "gc.get_referents", "ctypes.dlopen", "ctypes.dlsym",
                        "ctypes.cdata", "ctypes.cdata/buffer", "cpython.PyInterpreterState_New"))
    banned = banned_module

    def veto(event):
        write(3, b"\nT" + event.encode("utf-8", "replace")[:200] + b"\n")
        exit_(EXIT_TAMPER)

    def hook(event, args):
        if t(event) is not s:
            veto("audit event of type %s" % t(event).__name__)
        if event == "sys._getframe":
            return
        if event.startswith("socket."):
            if getframe(1) is not main_frame:
                veto(event)
        elif event in vetoed or event.startswith(("ctypes.", "sys.monitoring")):
            veto(event)
        elif event == "object.__setattr__":
            if t(args[1]) is s and args[1] == "__code__":
                veto("setting __code__")
        elif event in ("marshal.loads", "marshal.load"):
            if getframe(1).f_code is not compile_bytecode:
                veto(event)
        elif event == "import":
            if banned(args[0]):
                veto("import %s" % args[0])

    sys.addaudithook(hook)
