"""The sandbox contains each attack a hostile submission can make, with a precise outcome."""

import ctypes
import errno
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from conftest import ROOT

from autograder.sandbox import ALWAYS_HIDDEN, Limits, capabilities, run_sandboxed

CAPS = capabilities()
MISSING = "; ".join(CAPS["missing"])
LIMITS = Limits(
    wall_seconds=10,
    cpu_seconds=10,
    memory_bytes=512 << 20,
    processes=32,
    file_bytes=1 << 20,
    output_bytes=64 << 10,
    open_files=64,
)

pytestmark = pytest.mark.skipif(
    not CAPS["setuid"], reason=f"the sandbox needs root to run as its own uid ({MISSING})"
)


def needs(key):
    return pytest.mark.skipif(not CAPS.get(key), reason=f"this machine lacks {key}: {MISSING}")


def processes_of(uid):
    """Pids whose real uid is `uid`, zombies included, read from /proc independently."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                lines = (entry / "status").read_text().splitlines()
            except OSError:
                continue
            if any(line.startswith("Uid:") and int(line.split()[1]) == uid for line in lines):
                found.append(int(entry.name))
    return found


_next_uid = [61000 + (os.getpid() * 37) % 3000]


def free_uid():
    while True:
        uid = _next_uid[0] = _next_uid[0] + 1
        try:
            pwd.getpwuid(uid)
        except KeyError:
            if not processes_of(uid):
                return uid


def snapshot(top, skip):
    """Every entry under `top` outside `skip`, with what a write would change."""
    state = {}
    for path in sorted(top.rglob("*")):
        if path == skip or skip in path.parents:
            continue
        info = path.lstat()
        state[str(path)] = (info.st_mode, info.st_uid, info.st_size, info.st_mtime_ns)
    return state


@dataclass
class Box:
    """A course directory (hidden, with a read-only `lib`), another student's sandbox, a workdir."""

    tmp: Path
    uid: int

    @property
    def course(self):
        return self.tmp / "course"

    @property
    def sandboxes(self):
        return self.tmp / "sandboxes"

    @property
    def workdir(self):
        return self.sandboxes / "student"

    def run(self, func, *args, hide=(), readonly=(), **limits):
        return run_sandboxed(
            func,
            *args,
            workdir=self.workdir,
            uid=self.uid,
            limits=replace(LIMITS, **limits),
            hide=[self.course, self.sandboxes, *hide],
            readonly=[self.course / "lib", *readonly],
        )


@pytest.fixture
def box(tmp_path):
    (tmp_path / "course" / "lib").mkdir(parents=True)
    (tmp_path / "course" / "answers.txt").write_text("the hidden tests\n")
    (tmp_path / "course" / "lib" / "course_helper.py").write_text("VALUE = 42\n")
    (tmp_path / "sandboxes" / "other").mkdir(parents=True)
    (tmp_path / "sandboxes" / "other" / "work.py").write_text("another student's work\n")
    box = Box(tmp_path, free_uid())
    box.workdir.mkdir()
    before = snapshot(tmp_path, box.workdir)
    yield box
    assert processes_of(box.uid) == [], "a process of the sandbox uid outlived the sandbox"
    assert snapshot(tmp_path, box.workdir) == before, "something outside the workdir changed"
    for scratch in ("/tmp", "/var/tmp", "/dev/shm"):
        owned = [p for p in Path(scratch).iterdir() if p.lstat().st_uid == box.uid]
        assert owned == [], f"the sandbox wrote into {scratch}"


def tiny_model():
    import tensorflow as tf

    inputs = tf.keras.Input(shape=(3,))
    dense = tf.keras.layers.Dense(2, kernel_initializer="ones", bias_initializer="zeros")
    model = tf.keras.Model(inputs, dense(inputs))
    return model(tf.constant([[1.0, 2.0, 3.0]])).numpy().tolist()


def test_returns_a_value_and_runs_tensorflow_imported_before_the_fork(box, tf, root):
    """A Keras model built in the child from the parent's warm TensorFlow returns its output."""
    outcome = box.run(tiny_model, hide=[root], readonly=[root / ".venv"])
    assert (outcome.status, outcome.result) == ("ok", [[6.0, 6.0]]), outcome
    assert outcome.reason == "returned a result"
    assert outcome.peak_memory_bytes is None or outcome.peak_memory_bytes < LIMITS.memory_bytes


def import_fresh(names):
    import importlib

    # Forget any copy the parent had imported, so each module is read from disk here.
    for name in names:
        sys.modules.pop(name, None)
    return [importlib.import_module(name).__file__ for name in names]


def test_modules_imported_lazily_load_from_the_hidden_stdlib_and_venv(box, root):
    """Stdlib modules (under /root, mode 0700) and venv ones (in the hidden repo) still load."""
    names = ["wave", "tqdm"]
    outcome = box.run(import_fresh, names, hide=[root])
    assert outcome.status == "ok", outcome
    stdlib, venv = (Path(path) for path in outcome.result)
    assert stdlib.is_relative_to(Path(sys.base_prefix).resolve())
    assert venv.is_relative_to(root / ".venv")


def identity():
    status = Path("/proc/self/status").read_text()
    return {
        "ids": [os.getuid(), os.geteuid(), os.getgid(), os.getgroups()],
        "cwd": os.getcwd(),
        "home": os.environ["HOME"],
        "session": os.getsid(0) == os.getpid(),
        "fds": sorted(os.listdir("/proc/self/fd")),
        "interfaces": [name for _, name in socket.if_nameindex()],
        "no_new_privs": "NoNewPrivs:\t1" in status,
        "seccomp": "Seccomp:\t2" in status,
    }


def test_child_is_unprivileged_alone_and_confined_to_workdir(box):
    """The child runs as the sandbox uid in its own session, workdir and netns, inheriting no fd."""
    outcome = box.run(identity)
    assert outcome.status == "ok", outcome
    facts = outcome.result
    assert facts["ids"] == [box.uid, box.uid, box.uid, []]
    assert facts["cwd"] == facts["home"] == str(box.workdir.resolve())
    assert facts["session"] and facts["no_new_privs"]
    assert facts["fds"] == ["0", "1", "2", "3", "4"]  # stdio, the result pipe, listdir's own
    if CAPS["netns"]:
        assert facts["interfaces"] == ["lo"]
    assert facts["seccomp"] == CAPS["seccomp"]


def sleep_through_signals():
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    time.sleep(3600)


def test_ignoring_sigterm_and_sleeping_forever_times_out(box):
    """A child deaf to SIGTERM/SIGINT that sleeps forever is killed at the wall-clock limit."""
    outcome = box.run(sleep_through_signals, wall_seconds=1)
    assert outcome.status == "timeout"
    assert outcome.reason == "exceeded the 1 s wall-clock limit"
    assert 1 <= outcome.seconds < 3


def spin():
    while True:
        pass


def test_burning_cpu_hits_the_cpu_limit(box):
    """A busy loop is stopped by RLIMIT_CPU before the wall clock."""
    outcome = box.run(spin, cpu_seconds=1)
    assert outcome.status == "timeout"
    assert outcome.reason == "exceeded the 1 s CPU-time limit (SIGXCPU)"
    assert outcome.seconds < 4


def fork_swarm():
    started = 0
    for _ in range(1000):
        try:
            pid = os.fork()
        except OSError:
            continue
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            while True:
                try:
                    os.fork()
                except OSError:
                    time.sleep(0.01)
        started += 1
    return started


def test_forking_a_thousand_processes_is_capped_and_all_are_killed(box):
    """1000 forks (each child forking on) stop at the process cap, and none survives the run."""
    outcome = box.run(fork_swarm)
    assert outcome.status == "ok", outcome
    assert 0 < outcome.result < LIMITS.processes


def daemonize():
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            os.closerange(0, 3)
            time.sleep(3600)
        os._exit(0)
    return "detached"


def test_a_double_forked_daemon_is_killed_after_the_result(box):
    """A detached daemon in its own session does not outlive the call (the fixture scans /proc)."""
    outcome = box.run(daemonize)
    assert (outcome.status, outcome.result) == ("ok", "detached"), outcome


def allocate_5gb():
    return len(bytearray(5 << 30))


@needs("cgroup_memory")
def test_allocating_5gb_is_killed_at_the_memory_limit(box):
    """Touching 5 GB under a 256 MiB cgroup cap ends in an OOM kill reported as "memory"."""
    outcome = box.run(allocate_5gb, memory_bytes=256 << 20)
    assert outcome.status == "memory", outcome
    assert outcome.reason == "killed by SIGKILL (memory limit 256 MiB)"
    assert 200 << 20 < outcome.peak_memory_bytes <= 256 << 20


def write_1gb():
    chunk = b"x" * (1 << 20)
    with open("big.bin", "wb") as file:
        for _ in range(1024):
            file.write(chunk)


def test_writing_a_1gb_file_stops_at_the_file_size_limit(box):
    """RLIMIT_FSIZE stops a 1 GB file at 1 MiB, reported as an error naming the limit."""
    outcome = box.run(write_1gb)
    assert outcome.status == "error"
    assert outcome.reason.startswith("exceeded the 1 MiB file-size limit (OSError: [Errno 27]")
    assert "write_1gb" in outcome.traceback
    assert (box.workdir / "big.bin").stat().st_size <= 1 << 20


def huge_result():
    return "x" * (10 << 20)


def flood_result_pipe():
    while True:
        os.write(3, b"x" * 65536)


def flood_stdout():
    while True:
        print("spam " * 200)


@pytest.mark.parametrize(
    ("flood", "reason"),
    [
        (huge_result, "returned a result of 10 MiB, over the 64 KiB limit"),
        (flood_result_pipe, "sent more than 64 KiB of result data"),
        (flood_stdout, "printed more than 64 KiB to stdout/stderr"),
    ],
)
def test_flooding_output_hits_the_output_limit(box, flood, reason):
    """A huge result, raw writes to the result pipe, or endless prints all end at the output cap."""
    outcome = box.run(flood)
    assert (outcome.status, outcome.reason) == ("output-limit", reason)
    assert len(outcome.output) <= LIMITS.output_bytes
    assert outcome.seconds < 5


def kill_parent():
    os.kill(os.getppid(), signal.SIGKILL)


def kill_parent_group():
    os.killpg(os.getpgid(os.getppid()), signal.SIGKILL)


def kill_own_group():
    os.killpg(0, signal.SIGKILL)


def kill_everything():
    os.kill(-1, signal.SIGKILL)


@pytest.mark.parametrize(
    ("attack", "status", "reason"),
    [
        (kill_parent, "error", "raised PermissionError: [Errno 1] Operation not permitted"),
        (kill_parent_group, "error", "raised PermissionError: [Errno 1] Operation not permitted"),
        (kill_own_group, "killed", "killed by SIGKILL"),
        (kill_everything, "ok", "returned a result"),  # Linux spares the sender of kill(-1)
    ],
)
def test_killing_the_grader_fails_and_the_grader_survives(box, attack, status, reason):
    """Signals at the grader or its group are refused; killpg(0) and kill(-1) hit only the child."""
    bystander = subprocess.Popen(["sleep", "30"])  # in the grader's process group
    try:
        outcome = box.run(attack)
        assert (outcome.status, outcome.reason) == (status, reason)
        assert bystander.poll() is None, "a process of the grader's group was killed"
    finally:
        bystander.kill()
        bystander.wait()


def connect(port):
    socket.create_connection(("127.0.0.1", port), timeout=2)


@needs("netns")
def test_connecting_to_a_server_of_the_parent_is_unreachable(box):
    """A TCP server listening on the parent's loopback is out of reach: the child has no network."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.setblocking(False)
        outcome = box.run(connect, server.getsockname()[1])
        with pytest.raises(BlockingIOError):
            server.accept()
    assert outcome.status == "error"
    assert outcome.reason == "raised OSError: [Errno 101] Network is unreachable"


def read_file(path):
    return Path(path).read_text()


def write_file(path):
    Path(path).write_text("overwritten by a student")


def import_course_helper(lib):
    sys.path.insert(0, lib)
    import course_helper

    return course_helper.VALUE


@needs("mountns")
@pytest.mark.parametrize("name", ["course/answers.txt", "sandboxes/other/work.py"])
def test_reading_a_hidden_path_finds_nothing(box, name):
    """Files under a hidden directory (the course, other sandboxes) are not there for the child."""
    outcome = box.run(read_file, str(box.tmp / name))
    assert outcome.status == "error"
    assert outcome.reason.startswith("raised FileNotFoundError: [Errno 2] No such file")


@needs("mountns")
@pytest.mark.parametrize(
    "name", ["course/answers.txt", "course/new.txt", "course/lib/course_helper.py", "/tmp/x"]
)
def test_writing_a_hidden_or_readonly_path_is_refused(box, name):
    """Hidden directories, the read-only bind and /tmp refuse writes; the tree stays unchanged."""
    outcome = box.run(write_file, str(box.tmp / name))
    assert outcome.status == "error"
    assert outcome.reason == "raised OSError: [Errno 30] Read-only file system: " + repr(
        str(box.tmp / name)
    )


def access(path):
    found = {}
    for mode in ("r", "a"):
        try:
            with open(path, mode):
                found[mode] = "allowed"
        except OSError as error:
            found[mode] = errno.errorcode[error.errno]
    return found


@pytest.fixture
def outside_tmp():
    """A world-readable folder with a file, somewhere the sandbox does not hide by default."""

    def reachable(folder):
        hidden = any(h == folder or h in folder.parents for h in ALWAYS_HIDDEN)
        return not hidden and all(p.stat().st_mode & 0o001 for p in folder.parents)

    top = next(c for c in (ROOT / "build", Path("/var/lib")) if reachable(c))
    top.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="sandbox-test-", dir=top))
    folder.chmod(0o755)
    (folder / "notes.txt").write_text("instructor notes\n")
    (folder / "notes.txt").chmod(0o644)
    yield folder
    shutil.rmtree(folder)


@needs("mountns")
def test_an_explicitly_hidden_directory_or_file_outside_tmp_is_out_of_reach(box, outside_tmp):
    """A hidden world-readable folder vanishes; a hidden file is unreadable and read-only."""
    notes = outside_tmp / "notes.txt"
    assert box.run(access, str(notes)).result == {"r": "allowed", "a": "EACCES"}
    hidden_dir = box.run(access, str(notes), hide=[outside_tmp])
    hidden_file = box.run(access, str(notes), hide=[notes])
    assert hidden_dir.result == {"r": "ENOENT", "a": "EROFS"}
    assert hidden_file.result == {"r": "EACCES", "a": "EROFS"}


@needs("mountns")
def test_a_readonly_path_inside_a_hidden_one_still_imports(box):
    """A module under a read-only path inside the hidden course directory imports lazily."""
    outcome = box.run(import_course_helper, str(box.course / "lib"))
    assert (outcome.status, outcome.result) == ("ok", 42), outcome


def exit_hard():
    print("about to exit")
    os._exit(3)


def test_os_exit_before_returning_is_a_crash(box):
    """os._exit(3) is reported with its status, and what the child printed is kept."""
    outcome = box.run(exit_hard)
    assert (outcome.status, outcome.reason) == (
        "crashed",
        "exited with status 3 before returning a result",
    )
    assert outcome.output == "about to exit\n"


def segfault():
    ctypes.string_at(0)


def test_a_segfault_is_a_crash(box):
    """A segmentation fault in the child is reported as a crash with its signal."""
    outcome = box.run(segfault)
    assert (outcome.status, outcome.reason) == (
        "crashed",
        "crashed with SIGSEGV (Segmentation fault)",
    )


def raise_error():
    raise ValueError("wrong number of units")


def test_an_exception_is_an_error_with_its_traceback(box):
    """An exception in the callable becomes status "error" with its message and traceback."""
    outcome = box.run(raise_error)
    assert (outcome.status, outcome.reason) == ("error", "raised ValueError: wrong number of units")
    assert outcome.traceback.splitlines()[-1] == "ValueError: wrong number of units"
    assert "raise_error" in outcome.traceback


def new_user_namespace():
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.unshare(0x10000000), ctypes.get_errno()  # CLONE_NEWUSER


@needs("seccomp")
def test_creating_a_user_namespace_is_refused(box):
    """The seccomp filter refuses unshare(CLONE_NEWUSER), which unprivileged users could do here."""
    outcome = box.run(new_user_namespace)
    assert (outcome.status, outcome.result) == ("ok", [-1, errno.EPERM]), outcome


def test_a_uid_that_is_root_or_already_in_use_is_refused(tmp_path):
    """Killing "everything of the uid" is only safe for a dedicated uid: others are refused."""
    uid = free_uid()
    with pytest.raises(ValueError, match="dedicated unprivileged uid"):
        run_sandboxed(int, workdir=tmp_path, uid=0)
    squatter = subprocess.Popen(["sleep", "30"], user=uid, group=uid)
    try:
        with pytest.raises(ValueError, match=f"uid {uid} already owns processes"):
            run_sandboxed(int, workdir=tmp_path, uid=uid)
    finally:
        squatter.kill()
        squatter.wait()
