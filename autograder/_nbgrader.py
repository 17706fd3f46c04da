"""Run nbgrader's own command line in a course directory, with the environment it needs."""

import os
import subprocess
import sys
from pathlib import Path


class NbgraderError(RuntimeError):
    """An nbgrader command failed; the message holds its command line and its last output."""


def nbgrader_env():
    """The environment nbgrader needs: this venv's bin/ on PATH (it runs `alembic`)."""
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return env


def run_nbgrader(args, course_dir, check=True, quiet=True):
    """Run ``nbgrader ARGS`` with ``course_dir`` as the course root; return the finished process."""
    command = [sys.executable, "-m", "nbgrader", *args]
    process = subprocess.run(
        command,
        cwd=course_dir,
        env=nbgrader_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if quiet else None,
        stderr=subprocess.STDOUT if quiet else None,
        text=True,
    )
    if check and process.returncode != 0:
        tail = "\n".join((process.stdout or "").splitlines()[-30:])
        command_line = " ".join(args)
        raise NbgraderError(
            f"`nbgrader {command_line}` failed in {course_dir} (exit {process.returncode}):\n{tail}"
        )
    return process
