"""Run a callable in a forked, isolated, resource-limited child of this process; get data back.

The child is forked from the caller (a warm worker that has imported TensorFlow), so it costs about
0.1 s. As root it starts a new session, joins fresh cgroups (memory cap, pids cap, and a cgroup v2
used to kill all it started at once), unshares the network (only a down `lo`), mount and IPC
namespaces, mounts an empty read-only tmpfs over each hidden path and over /tmp, /var/tmp and
/dev/shm, binds back the read-only paths and `workdir`, sets rlimits (CPU, file size, processes,
open files, no core), then drops to an unprivileged uid with no groups, no_new_privs and a seccomp
filter that refuses new namespaces, mounts, ptrace, bpf, keyrings and io_uring. The callable's
return value comes back as JSON over a size-capped pipe; stdout/stderr over a second capped pipe.
The parent enforces the wall clock, then kills everything in the cgroups and everything the sandbox
uid owns, reaps it all (it is the subreaper while a child runs) and removes the cgroups.
`capabilities()` says what this machine supports; a missing mechanism is skipped, never faked.

The caller must give each concurrent sandbox its own uid, used by nothing else (it is checked to own
no process at the start: everything it owns is killed at the end). A fork copies the caller's
memory, so the worker must hold no secrets; inherited file descriptors are closed and the
environment is reduced to a short allowlist. The interpreter's prefixes (venv and base) are always
bound back read-only so lazy imports load; other code the callable imports late must be passed in
`readonly` if it lies in a hidden directory. Not thread-safe: one `run_sandboxed` at a time.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import io
import itertools
import json
import os
import platform
import resource
import select
import signal
import socket
import stat
import struct
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Limits", "Outcome", "capabilities", "run_sandboxed"]

ALWAYS_HIDDEN = (Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"))
"""World-writable directories: hidden in every sandbox, so no state leaks between them."""

_ENV_KEEP = {"PATH", "LANG", "LANGUAGE", "TZ", "MPLBACKEND", "PYTHONHASHSEED", "PYTHONIOENCODING"}
_ENV_KEEP_PREFIXES = ("LC_", "TF_CPP_", "TF_NUM_", "TF_ENABLE_", "OMP_")

_CLONE_NEWNS = 0x00020000
_CLONE_NEWIPC = 0x08000000
_CLONE_NEWNET = 0x40000000
_CLONE_NAMESPACES = 0x7E020000  # NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_REMOUNT, _MS_BIND, _MS_REC, _MS_PRIVATE = 32, 4096, 16384, 1 << 18
_PR_SET_PDEATHSIG, _PR_SET_SECCOMP, _PR_SET_CHILD_SUBREAPER = 1, 22, 36
_PR_GET_CHILD_SUBREAPER, _PR_SET_NO_NEW_PRIVS = 37, 38
_TMPFS = "size=64k,nr_inodes=512,mode=755"
_CRASH_SIGNALS = {signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE, signal.SIGABRT}
_SETUP_FAILED = 70

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
_libc.unshare.argtypes = [ctypes.c_int]
_libc.prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
_counter = itertools.count()
_kept_streams = []


@dataclass
class Limits:
    """What one sandboxed call may use; the defaults suit building a small Keras model."""

    wall_seconds: float = 60  # the parent kills the child after this
    cpu_seconds: int = 60  # RLIMIT_CPU, per process
    memory_bytes: int = 2 << 30  # cgroup memory cap for the child and all it starts
    processes: int = 64  # RLIMIT_NPROC of the sandbox uid and cgroup pids.max (threads count)
    file_bytes: int = 16 << 20  # RLIMIT_FSIZE: the largest file the child may write
    output_bytes: int = 4 << 20  # cap on the JSON result, and separately on stdout+stderr
    open_files: int = 256  # RLIMIT_NOFILE


@dataclass
class Outcome:
    """How a sandboxed call ended, as plain data."""

    status: str  # "ok" | "error" | "timeout" | "killed" | "memory" | "output-limit" | "crashed"
    result: object  # the callable's JSON-decoded return value when status == "ok", else None
    reason: str  # one precise human-readable line
    seconds: float  # wall-clock time from fork to the end of the child
    peak_memory_bytes: int | None  # peak of the child's memory cgroup; None without one
    output: str = ""  # what the child printed to stdout/stderr (capped)
    traceback: str = ""  # the traceback when the callable raised


def _check(ret, what):
    if ret != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def _mount(source, target, fstype, flags, data=None):
    def enc(value):
        return None if value is None else os.fsencode(value)

    ret = _libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data))
    _check(ret, f"mount {target}")


def _prctl(option, value=0):
    _check(_libc.prctl(option, value, 0, 0, 0), f"prctl({option})")


def _size(n):
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            return f"{n / (1 << shift):.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def _signame(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


# --- cgroups ---------------------------------------------------------------------------------


def _unescape(path):
    return path.encode().decode("unicode_escape") if "\\" in path else path


@functools.cache
def _cgroup_plan():
    """Where sandbox cgroups can go: role -> (cgroup version, our own cgroup directory).

    Roles: "memory" and "pids" (limits), "kill" (v2 cgroup.kill), "freezer" (v1). Sandbox cgroups
    nest under the caller's own, so whatever limits the caller lives under still apply.
    """
    if os.geteuid() != 0:
        return {}
    own = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        own[controllers] = path
    plan = {}
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        left, _, right = line.partition(" - ")
        fields, (fstype, _, superopts) = left.split(), right.split()[:3]
        root, mountpoint = _unescape(fields[3]), _unescape(fields[4])
        if fstype == "cgroup2" and "" in own:
            base = _inside(mountpoint, root, own[""])
            if base is None:
                continue
            with contextlib.suppress(OSError):
                delegated = set((base / "cgroup.subtree_control").read_text().split())
                for role in ("memory", "pids"):
                    if role in delegated:
                        plan.setdefault(role, (2, base))
                plan.setdefault("kill", (2, base))
        elif fstype == "cgroup":
            options = set(superopts.split(","))
            for controllers, path in own.items():
                names = set(controllers.split(",")) if controllers else set()
                if not names or not names <= options:
                    continue
                base = _inside(mountpoint, root, path)
                for role in ("memory", "pids", "freezer"):
                    if role in names and base is not None:
                        plan.setdefault(role, (1, base))
    return _verified(plan)


def _inside(mountpoint, root, path):
    if root != "/" and not (path == root or path.startswith(root.rstrip("/") + "/")):
        return None
    relative = path[len(root) :] if root != "/" else path
    return Path(mountpoint) / relative.lstrip("/")


def _verified(plan):
    """Keep the roles whose directory we can create a child cgroup in, with the files we need."""
    needs = {
        "memory": ("memory.limit_in_bytes", "memory.max"),
        "pids": ("pids.max",),
        "kill": ("cgroup.kill",),
        "freezer": ("freezer.state",),
    }
    verified = {}
    for role, (version, base) in plan.items():
        probe = base / f"logits-sandbox-probe-{os.getpid()}"
        try:
            probe.mkdir()
        except OSError:
            continue
        try:
            if any((probe / name).exists() for name in needs[role]):
                verified[role] = (version, base)
        finally:
            with contextlib.suppress(OSError):
                probe.rmdir()
    if "kill" in verified:
        verified.pop("freezer", None)
    return verified


class _Cgroups:
    """The fresh cgroups one sandbox lives in: one directory per hierarchy that gives us a role."""

    def __init__(self, name, limits):
        self.roles, self.dirs = {}, []
        made = {}
        try:
            for role, (version, base) in _cgroup_plan().items():
                if base not in made:
                    made[base] = base / name
                    made[base].mkdir()
                    self.dirs.append(made[base])
                self.roles[role] = (version, made[base])
            self._limit(limits)
        except BaseException:
            self.remove()
            raise

    def _limit(self, limits):
        if "memory" in self.roles:
            version, path = self.roles["memory"]
            if version == 1:
                (path / "memory.limit_in_bytes").write_text(str(limits.memory_bytes))
                with contextlib.suppress(OSError):  # absent without swap accounting
                    (path / "memory.memsw.limit_in_bytes").write_text(str(limits.memory_bytes))
            else:
                (path / "memory.max").write_text(str(limits.memory_bytes))
                for name, value in (("memory.swap.max", "0"), ("memory.oom.group", "1")):
                    with contextlib.suppress(OSError):
                        (path / name).write_text(value)
        if "pids" in self.roles:
            (self.roles["pids"][1] / "pids.max").write_text(str(limits.processes))

    def join(self, pid):
        for path in self.dirs:
            (path / "cgroup.procs").write_text(str(pid))

    def pids(self):
        found = set()
        for path in self.dirs:
            with contextlib.suppress(OSError):
                found.update(int(p) for p in (path / "cgroup.procs").read_text().split())
        return found

    def kill_all(self):
        """SIGKILL every process in the cgroups; cgroup.kill and the freezer make it race-free."""
        if "kill" in self.roles:
            with contextlib.suppress(OSError):
                (self.roles["kill"][1] / "cgroup.kill").write_text("1")
        freezer = self.roles.get("freezer", (None, None))[1]
        for _ in range(100):
            frozen = freezer is not None and _freeze(freezer, "FROZEN")
            members = self.pids()
            for pid in members:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            if frozen:
                _freeze(freezer, "THAWED")
            if not members:
                return
            time.sleep(0.001)

    def oom_kills(self):
        if "memory" not in self.roles:
            return 0
        version, path = self.roles["memory"]
        name = "memory.oom_control" if version == 1 else "memory.events"
        with contextlib.suppress(OSError, ValueError):
            for line in (path / name).read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        return 0

    def peak_memory(self):
        if "memory" not in self.roles:
            return None
        version, path = self.roles["memory"]
        name = "memory.max_usage_in_bytes" if version == 1 else "memory.peak"
        try:
            return int((path / name).read_text())
        except (OSError, ValueError):
            return None

    def remove(self):
        for path in self.dirs:
            for _ in range(200):
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.005)


def _freeze(path, state):
    try:
        (path / "freezer.state").write_text(state)
        for _ in range(200):
            if (path / "freezer.state").read_text().strip() == state:
                return True
            time.sleep(0.001)
    except OSError:
        pass
    return False


# --- processes -------------------------------------------------------------------------------


def _table():
    """pid -> (ppid, state, real uid, session) of every process, zombies included."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            text = Path(entry.path, "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)
        with contextlib.suppress(KeyError, ValueError, IndexError):
            table[int(entry.name)] = (
                int(fields["PPid"]),
                fields["State"][:1],
                int(fields["Uid"].split()[0]),
                int(fields["NSsid"].split()[0]),
            )
    return table


def _members(table, uid, by_uid, session, known):
    """The sandbox's processes: all of `uid`'s; without a uid of its own, its session plus the
    descendants of any child of ours not in `known` (orphans come to us, the subreaper)."""
    if by_uid:
        return {pid for pid, (_, _, owner, _) in table.items() if owner == uid}
    me = os.getpid()
    members = {
        pid
        for pid, (ppid, _, _, sid) in table.items()
        if sid == session or (ppid == me and pid not in known)
    }
    while True:
        more = {pid for pid, (ppid, *_) in table.items() if ppid in members} - members
        if not more:
            return members
        members |= more


def _kill_as(uid):
    """Fork a helper that becomes `uid` and sends SIGKILL to every process that uid owns."""
    helper = os.fork()
    if helper == 0:
        try:
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(helper, 0)


def _sweep(uid, session, by_uid, known=(), timeout=10.0):
    """Kill and reap what is left of a sandbox; returns how many of its processes survive."""
    me, end = os.getpid(), time.monotonic() + timeout
    while True:
        table = _table()
        left = _members(table, uid, by_uid, session, known)
        if not left:
            return 0
        alive = False
        for pid in left:
            ppid, state, _, _ = table[pid]
            if ppid == me:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, os.WNOHANG)
            if state not in "ZX":
                alive = True
                if not by_uid:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(pid, signal.SIGKILL)
        if alive and by_uid:
            _kill_as(uid)
        if time.monotonic() > end:
            return len(left)
        time.sleep(0.002)


def _set_subreaper(on):
    previous = ctypes.c_int(0)
    with contextlib.suppress(OSError):
        _check(_libc.prctl(_PR_GET_CHILD_SUBREAPER, ctypes.addressof(previous), 0, 0, 0), "prctl")
        _prctl(_PR_SET_CHILD_SUBREAPER, int(on))
    return bool(previous.value)


# --- seccomp ---------------------------------------------------------------------------------

_AUDIT_ARCH_X86_64 = 0xC000003E
_X86_64_DENIED = {
    "ptrace": 101,
    "pivot_root": 155,
    "mount": 165,
    "umount2": 166,
    "swapon": 167,
    "swapoff": 168,
    "reboot": 169,
    "sethostname": 170,
    "setdomainname": 171,
    "init_module": 175,
    "delete_module": 176,
    "kexec_load": 246,
    "add_key": 248,
    "request_key": 249,
    "keyctl": 250,
    "unshare": 272,
    "perf_event_open": 298,
    "setns": 308,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "finit_module": 313,
    "kexec_file_load": 320,
    "bpf": 321,
    "userfaultfd": 323,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "mount_setattr": 442,
}
_X86_64_CLONE, _X86_64_CLONE3 = 56, 435


def _seccomp_program():
    """A classic-BPF seccomp filter: EPERM for the denied calls and for clone() with namespace
    flags; ENOSYS for clone3 (its flags are out of reach, and glibc then falls back to clone)."""
    if platform.machine() != "x86_64":
        return None
    ld, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    allow, eperm, enosys = 0x7FFF0000, 0x00050000 | errno.EPERM, 0x00050000 | errno.ENOSYS
    code = [(ld, 0, 0, 4), (jeq, "arch_ok", "nosys", _AUDIT_ARCH_X86_64), ("arch_ok",)]
    code += [(ld, 0, 0, 0), (jge, "nosys", 0, 0x40000000)]  # the x32 ABI
    code += [(jeq, "deny", 0, nr) for nr in sorted(_X86_64_DENIED.values())]
    code += [(jeq, "nosys", 0, _X86_64_CLONE3), (jeq, 0, "allow", _X86_64_CLONE)]
    code += [(ld, 0, 0, 16), (jset, "deny", "allow", _CLONE_NAMESPACES)]  # low word of args[0]
    code += [("allow",), (ret, 0, 0, allow), ("deny",), (ret, 0, 0, eperm)]
    code += [("nosys",), (ret, 0, 0, enosys)]
    labels, program = {}, []
    for item in code:
        if len(item) == 1:
            labels[item[0]] = len(program)
        else:
            program.append(item)

    def offset(target, index):
        return labels[target] - index - 1 if isinstance(target, str) else target

    blob = b"".join(
        struct.pack("HBBI", op, offset(jt, i), offset(jf, i), k)
        for i, (op, jt, jf, k) in enumerate(program)
    )
    return blob, len(program)


# --- the child -------------------------------------------------------------------------------


def _redirect_stdio(out_w):
    devnull = os.open("/dev/null", os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(out_w, 1)
    os.dup2(out_w, 2)
    # The caller's stream objects may hold unflushed text: keep them alive so they never flush here.
    _kept_streams.append((sys.stdin, sys.stdout, sys.stderr))
    sys.stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)))
    for name, fd in (("stdout", 1), ("stderr", 2)):
        buffered = io.BufferedWriter(io.FileIO(fd, "w", closefd=False))
        stream = io.TextIOWrapper(buffered, errors="backslashreplace", line_buffering=True)
        setattr(sys, name, stream)


def _mount_hidden(hidden, binds):
    """Cover each hidden directory with an empty read-only tmpfs (each file with an empty mode-0
    file), then bind back `binds` (path, read_only) in place, opened before they were covered."""
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
    sources = []
    for path, read_only in binds:
        with contextlib.suppress(FileNotFoundError):
            sources.append((os.open(path, os.O_PATH | os.O_CLOEXEC), path, read_only))
    covered = [path for path in hidden if path.is_dir()]
    files = [path for path in hidden if path.exists() and not path.is_dir()]
    for path in covered:
        _mount("tmpfs", path, "tmpfs", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, _TMPFS)
    if files:
        # Over a file goes an empty mode-0 file made on one of our tmpfs (kept: an unlinked one
        # would make the read-only remount fail with EBUSY).
        blank = covered[0] / ".sandbox-blank" if covered else Path("/dev/null")
        if covered:
            os.close(os.open(blank, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0))
        for path in files:
            _mount(blank, path, None, _MS_BIND)
            _mount(None, path, None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _MS_NOSUID | _MS_NODEV)
    for fd, path, read_only in sources:
        if any(path.is_relative_to(c) for c in covered):
            if stat.S_ISDIR(os.fstat(fd).st_mode):
                path.mkdir(parents=True, exist_ok=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.touch()
        _mount(f"/proc/self/fd/{fd}", path, None, _MS_BIND | _MS_REC)
        if read_only:
            flags = _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _MS_NOSUID | _MS_NODEV
            _mount(None, path, None, flags)
        os.close(fd)
    for path in covered:
        flags = _MS_REMOUNT | _MS_RDONLY | _MS_NOSUID | _MS_NODEV | _MS_NOEXEC
        _mount(None, path, None, flags, _TMPFS)


def _isolate(plan, result_w, out_w, cgroups):
    """Everything done as root in the child, in order; the result pipe ends up as fd 3."""
    os.setsid()
    _redirect_stdio(out_w)
    os.dup2(result_w, 3)
    os.set_inheritable(3, False)
    plan["result_on_3"] = True
    os.closerange(4, resource.getrlimit(resource.RLIMIT_NOFILE)[1])
    if cgroups is not None:
        cgroups.join(os.getpid())  # before anything costly, so it is all accounted and killable
    flags = (
        (_CLONE_NEWNET if plan["netns"] else 0)
        | (_CLONE_NEWIPC if plan["ipcns"] else 0)
        | (_CLONE_NEWNS if plan["mountns"] else 0)
    )
    if flags:
        _check(_libc.unshare(flags), "unshare")
    if plan["mountns"]:
        _mount_hidden(plan["hidden"], plan["binds"])
    limits = plan["limits"]
    rlimits = {
        resource.RLIMIT_CPU: (limits.cpu_seconds, limits.cpu_seconds + 1),
        resource.RLIMIT_FSIZE: (limits.file_bytes,) * 2,
        resource.RLIMIT_NOFILE: (limits.open_files,) * 2,
        resource.RLIMIT_CORE: (0, 0),
    }
    if plan["setuid"]:  # RLIMIT_NPROC counts every process of the uid: only ours if it is ours
        rlimits[resource.RLIMIT_NPROC] = (limits.processes,) * 2
    for which, value in rlimits.items():
        resource.setrlimit(which, value)
    workdir, uid = plan["workdir"], plan["uid"]
    os.chdir(workdir)
    if plan["setuid"]:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    _prctl(_PR_SET_NO_NEW_PRIVS, 1)
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # after setuid, which clears it
    if os.getppid() != plan["parent"]:
        os._exit(_SETUP_FAILED)
    if plan["seccomp"] is not None:
        _seccomp(plan["seccomp"])
    kept = {
        k: v for k, v in os.environ.items() if k in _ENV_KEEP or k.startswith(_ENV_KEEP_PREFIXES)
    }
    os.environ.clear()
    os.environ.update(kept, HOME=str(workdir), TMPDIR=str(workdir))
    if "tempfile" in sys.modules:  # it caches the directory it found first
        sys.modules["tempfile"].tempdir = str(workdir)


def _seccomp(program):
    blob, length = program
    filters = ctypes.create_string_buffer(blob, len(blob))
    fprog = ctypes.create_string_buffer(struct.pack("HxxxxxxQ", length, ctypes.addressof(filters)))
    _check(_libc.prctl(_PR_SET_SECCOMP, 2, ctypes.addressof(fprog), 0, 0), "seccomp")


def _send(fd, message):
    text = message if isinstance(message, str) else json.dumps(message)
    data = memoryview(text.encode())
    while data:
        data = data[os.write(fd, data) :]


def _describe(exc, limits):
    """Status and one-line reason for an exception that escaped the callable."""
    try:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    except Exception:  # a student's __str__ may itself raise
        text = type(exc).__name__
    text = text.splitlines()[0][:500] if text else type(exc).__name__
    if isinstance(exc, MemoryError):
        return "memory", f"raised MemoryError (memory limit {_size(limits.memory_bytes)})"
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        return "error", f"exceeded the {_size(limits.file_bytes)} file-size limit ({text})"
    if isinstance(exc, SystemExit):
        return "error", f"called sys.exit({exc.code!r}) before returning a result"
    return "error", f"raised {text}"


def _run_child(func, args, plan, result_w, out_w, cgroups):
    """The forked child: isolate, drop privileges, call `func`, send the result; never returns."""
    me, fd = os.getpid(), 3
    plan = dict(plan)
    try:
        try:
            _isolate(plan, result_w, out_w, cgroups)
        except BaseException as exc:
            if not plan.get("result_on_3"):  # failed before fd 3 became the result pipe
                fd = result_w
            with contextlib.suppress(BaseException):
                _send(fd, {"status": "crashed", "reason": f"sandbox setup failed: {exc!r}"})
            os._exit(_SETUP_FAILED)
        limits = plan["limits"]
        try:
            value = func(*args)
        except BaseException as exc:
            if os.getpid() != me:  # a process the callable forked returned here: not the result
                os._exit(0)
            status, reason = _describe(exc, limits)
            tb = exc.__traceback__.tb_next or exc.__traceback__
            text = "".join(traceback.format_exception(type(exc), exc, tb))
            message = {"status": status, "reason": reason, "traceback": text}
        else:
            if os.getpid() != me:
                os._exit(0)
            try:
                encoded = json.dumps(value)
            except (TypeError, ValueError) as exc:
                reason = f"returned a value that is not JSON-serialisable ({exc})"
                message = {"status": "error", "reason": reason}
            else:
                if len(encoded) > limits.output_bytes:
                    size = _size(limits.output_bytes)
                    reason = f"returned a result of {_size(len(encoded))}, over the {size} limit"
                    message = {"status": "output-limit", "reason": reason}
                else:
                    message = '{"status": "ok", "result": ' + encoded + "}"
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        _send(fd, message)
        os._exit(0)
    except BaseException:
        pass
    finally:
        os._exit(1)


# --- the parent ------------------------------------------------------------------------------


@functools.cache
def capabilities():
    """What this machine enforces, probed once in a throwaway child.

    Each key is truthy when enforced (a string says how, e.g. ``cgroup_memory: "v1"``) and False
    when not; `missing` has one sentence per gap, ready for a loud warning.
    """
    caps = {"root": os.geteuid() == 0}
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            report = _probe()
            os.write(write, json.dumps(report).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    caps.update(json.loads(data or b"{}"))
    plan = _cgroup_plan()
    for role in ("memory", "pids"):
        caps[f"cgroup_{role}"] = f"v{plan[role][0]}" if role in plan else False
    caps["cgroup_kill"] = (
        "v2 cgroup.kill" if "kill" in plan else "v1 freezer" if "freezer" in plan else False
    )
    caps["cgroup"] = ", ".join(f"{role} (v{v})" for role, (v, _) in sorted(plan.items())) or False
    previous = _set_subreaper(True)
    caps["subreaper"] = _set_subreaper(previous)
    caps["seccomp"] = bool(caps.pop("seccomp_ok", False))
    caps["missing"] = [
        text
        for key, text in (
            (
                "setuid",
                "cannot change uid: the child runs as the caller (no process limit, "
                "no kill-by-uid)",
            ),
            ("netns", "no network namespace: the child has the caller's network"),
            ("mountns", "no mount namespace: hidden paths stay readable"),
            ("ipcns", "no IPC namespace"),
            ("cgroup_memory", "no memory cgroup: memory is not capped"),
            ("cgroup_pids", "no pids cgroup: only RLIMIT_NPROC caps processes"),
            ("cgroup_kill", "no cgroup kill or freezer: descendants are killed by uid or session"),
            ("subreaper", "not a subreaper: orphaned descendants are reaped by init"),
            ("seccomp", "no seccomp filter: the child may create user namespaces, ptrace, ..."),
        )
        if not caps.get(key)
    ]
    return caps


def _probe():
    """Run in a throwaway child: try each isolation step and report which work."""
    report = {}
    for name, flag in (
        ("netns", _CLONE_NEWNET),
        ("mountns", _CLONE_NEWNS),
        ("ipcns", _CLONE_NEWIPC),
    ):
        report[name] = _libc.unshare(flag) == 0
    if report["netns"]:
        report["netns"] = [n for _, n in socket.if_nameindex()] == ["lo"]
    if report["mountns"]:
        try:
            _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
            _mount("tmpfs", "/tmp", "tmpfs", _MS_NOSUID | _MS_NODEV, _TMPFS)
        except OSError:
            report["mountns"] = False
    report["setuid"] = False
    if os.geteuid() == 0:
        try:
            os.setgroups([])
            os.setresgid(65534, 65534, 65534)
            os.setresuid(65534, 65534, 65534)
            report["setuid"] = True
        except OSError:
            pass
    try:
        _prctl(_PR_SET_NO_NEW_PRIVS, 1)
        report["no_new_privs"] = True
    except OSError:
        report["no_new_privs"] = False
    program = _seccomp_program()
    if program is not None and report["no_new_privs"]:
        try:
            _seccomp(program)
            report["seccomp_ok"] = _libc.unshare(0x10000000) != 0  # CLONE_NEWUSER refused
        except OSError:
            pass
    return report


def _python_installation():
    """The interpreter's prefixes (venv and base): always bound back read-only, so that modules
    imported lazily in the child (stdlib codecs, Keras submodules) still load."""
    prefixes = (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)
    return sorted({Path(os.path.realpath(p)) for p in prefixes})


def _closed_ancestor(path):
    """The outermost ancestor of `path` that others may not enter (pyenv lives in /root, 0700).

    Hiding it costs the child nothing it could read, and lets `path`, bound back below our tmpfs
    (mode 0755), be reached."""
    for ancestor in reversed(path.parents):
        if not os.stat(ancestor).st_mode & stat.S_IXOTH:
            return ancestor
    return None


def _check_uid(uid, caps):
    if not caps["setuid"]:
        return
    if uid <= 0 or uid == os.getuid():
        raise ValueError(f"the sandbox uid must be a dedicated unprivileged uid, not {uid}")
    if owned := sorted(_members(_table(), uid, True, None, ())):
        pids = ", ".join(str(pid) for pid in owned[:5])
        raise ValueError(
            f"uid {uid} already owns processes ({pids}); give each sandbox a dedicated uid"
        )


def run_sandboxed(
    func, *args, workdir: Path, uid: int, limits: Limits | None = None, hide=(), readonly=()
) -> Outcome:
    """Call ``func(*args)`` in an isolated forked child running as `uid` in `workdir`.

    `hide`: paths the child must not see (each covered by an empty read-only tmpfs);
    `readonly`: paths bound back read-only (e.g. a virtualenv inside a hidden directory).
    Returns an `Outcome`; raises only for bad arguments. The caller creates `workdir`; it is
    chowned to `uid` with mode 0700.
    """
    limits = limits or Limits()
    caps = capabilities()
    workdir = Path(os.path.realpath(workdir))
    if not stat.S_ISDIR(os.lstat(workdir).st_mode):
        raise ValueError(f"workdir {workdir} is not a directory")
    _check_uid(uid, caps)
    if caps["setuid"]:
        os.chown(workdir, uid, uid)
    os.chmod(workdir, 0o700)
    python = _python_installation()
    closed = [a for a in map(_closed_ancestor, python) if a is not None]
    hidden = sorted({Path(os.path.realpath(p)) for p in [*ALWAYS_HIDDEN, *closed, *hide]})
    hidden = [p for p in hidden if not any(p != q and p.is_relative_to(q) for q in hidden)]
    readonly = {Path(os.path.realpath(p)) for p in [*python, *readonly]}
    binds = [(p, True) for p in readonly] + [(workdir, False)]
    binds = [(p, ro) for p, ro in sorted(binds, key=lambda b: len(b[0].parts))]
    binds = [(p, ro) for p, ro in binds if ro or any(p.is_relative_to(h) for h in hidden)]
    plan = {
        **{key: bool(caps.get(key)) for key in ("netns", "ipcns", "mountns", "setuid")},
        "seccomp": _seccomp_program() if caps.get("seccomp") else None,
        "hidden": hidden,
        "binds": binds,
        "limits": limits,
        "workdir": workdir,
        "uid": uid,
        "parent": os.getpid(),
    }
    name = f"logits-sandbox-{os.getpid()}-{next(_counter)}"
    cgroups = _Cgroups(name, limits) if _cgroup_plan() else None
    fds, pid, known = {}, None, ()
    previous_subreaper = _set_subreaper(True)
    try:
        fds["result_r"], fds["result_w"] = os.pipe()
        fds["out_r"], fds["out_w"] = os.pipe()
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        # Without a uid of its own, the sandbox's orphans are told apart from our other children.
        me = os.getpid()
        known = () if caps["setuid"] else {p for p, row in _table().items() if row[0] == me}
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            os.close(fds["result_r"])
            os.close(fds["out_r"])
            _run_child(func, args, plan, fds["result_w"], fds["out_w"], cgroups)
        for end in ("result_w", "out_w"):
            os.close(fds.pop(end))
        deadline = start + limits.wall_seconds
        verdict, data, printed = _supervise(pid, fds["result_r"], fds["out_r"], deadline, limits)
        seconds = time.monotonic() - start
        status, usage, survivors = _terminate(pid, uid, cgroups, caps, known)
        pid = None
        oom = cgroups.oom_kills() if cgroups else 0
        outcome = _verdict(verdict, status, data, usage.ru_utime + usage.ru_stime, oom, limits)
        outcome.seconds = seconds
        outcome.peak_memory_bytes = cgroups.peak_memory() if cgroups else None
        outcome.output = printed.decode("utf-8", "replace")
        if survivors:
            outcome.reason += f"; warning: {survivors} of its processes could not be killed"
        return outcome
    finally:
        if pid is not None:  # interrupted: still kill and reap everything
            with contextlib.suppress(Exception):
                _terminate(pid, uid, cgroups, caps, known)
        for fd in fds.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        if cgroups is not None:
            cgroups.remove()
        _set_subreaper(previous_subreaper)


def _terminate(pid, uid, cgroups, caps, known):
    """SIGKILL the child and all it started; reap them. Returns (status, rusage, survivors)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    if cgroups is not None:
        cgroups.kill_all()
    if not caps["setuid"]:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    _, status, usage = os.wait4(pid, 0)
    survivors = _sweep(uid, pid, caps["setuid"], known)
    return status, usage, survivors


def _supervise(pid, result_r, out_r, deadline, limits):
    """Read both pipes until the child exits, the deadline passes or a cap is exceeded."""
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    buffers = {result_r: bytearray(), out_r: bytearray()}
    poller = select.poll()
    for fd in (result_r, out_r, pidfd):
        if fd is not None:
            poller.register(fd, select.POLLIN)
    verdict = None
    try:
        while verdict is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                verdict = "timeout"
                break
            wait = remaining if pidfd is not None else min(remaining, 0.01)
            exited = False
            for fd, _ in poller.poll(wait * 1000):
                if fd == pidfd:
                    exited = True
                else:
                    verdict = _read(fd, buffers, poller, limits, result_r)
            if pidfd is None:
                info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
                exited = info is not None
            if exited and verdict is None:
                for fd in buffers:  # what the child wrote before it exited is already there
                    os.set_blocking(fd, False)
                    while verdict is None and _read(fd, buffers, poller, limits, result_r, True):
                        pass
                    verdict = verdict or _over(fd, buffers, limits, result_r)
                break
    finally:
        if pidfd is not None:
            os.close(pidfd)
    return verdict, bytes(buffers[result_r]), bytes(buffers[out_r][: limits.output_bytes])


def _read(fd, buffers, poller, limits, result_r, draining=False):
    """Read once from `fd`; while draining, return True if more may follow, else any verdict."""
    try:
        data = os.read(fd, 1 << 16)
    except BlockingIOError:
        return False if draining else None
    if not data:
        with contextlib.suppress(KeyError):
            poller.unregister(fd)
        return False if draining else None
    buffers[fd] += data
    over = _over(fd, buffers, limits, result_r)
    if draining:
        return over is None
    return over


def _over(fd, buffers, limits, result_r):
    if len(buffers[fd]) > limits.output_bytes:
        return "result-limit" if fd == result_r else "print-limit"
    return None


def _verdict(verdict, status, data, cpu, oom, limits):
    def outcome(state, reason, result=None, tb=""):
        return Outcome(state, result, reason, 0.0, None, traceback=tb)

    if verdict == "timeout":
        return outcome("timeout", f"exceeded the {limits.wall_seconds:g} s wall-clock limit")
    if verdict == "result-limit":
        return outcome(
            "output-limit", f"sent more than {_size(limits.output_bytes)} of result data"
        )
    if verdict == "print-limit":
        return outcome(
            "output-limit", f"printed more than {_size(limits.output_bytes)} to stdout/stderr"
        )
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = _signame(number)
        if number == signal.SIGKILL and oom:
            return outcome(
                "memory", f"killed by SIGKILL (memory limit {_size(limits.memory_bytes)})"
            )
        if number == signal.SIGXCPU or (number == signal.SIGKILL and cpu >= limits.cpu_seconds):
            return outcome(
                "timeout", f"exceeded the {limits.cpu_seconds} s CPU-time limit ({name})"
            )
        if number == signal.SIGXFSZ:
            return outcome(
                "killed", f"exceeded the {_size(limits.file_bytes)} file-size limit (SIGXFSZ)"
            )
        if number in _CRASH_SIGNALS:
            return outcome("crashed", f"crashed with {name} ({signal.strsignal(number)})")
        return outcome("killed", f"killed by {name}")
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    try:
        message = json.loads(data.decode("utf-8")) if data else None
    except (UnicodeDecodeError, ValueError):
        message = None
    if not isinstance(message, dict):
        message = {}
    state = message.get("status")
    # The setup code exits 70 after reporting its own failure; otherwise only a clean exit counts.
    if (code == 0 and state in {"ok", "error", "memory", "output-limit"}) or (
        code in (0, _SETUP_FAILED) and state == "crashed"
    ):
        reason = str(message.get("reason", "returned a result"))
        result = message.get("result") if state == "ok" else None
        return outcome(state, reason, result, str(message.get("traceback", "")))
    if data and not message:
        return outcome("crashed", f"exited with status {code} after sending a malformed result")
    return outcome("crashed", f"exited with status {code} before returning a result")
