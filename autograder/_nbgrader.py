"""nbgrader from our side: its configuration for a course directory, and its command line run
with the environment it needs."""

import os
import subprocess
import sys
from pathlib import Path


def load_config(course_dir):
    """nbgrader's configuration for ``course_dir``, from its nbgrader_config.py if present."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    course_dir = Path(course_dir).resolve()
    config = Config()
    if (course_dir / "nbgrader_config.py").is_file():
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    config.CourseDirectory.root = str(course_dir)
    return config


def course_directory(course_dir):
    """nbgrader's `CourseDirectory` for ``course_dir``: where each step's folder and the
    gradebook are, as nbgrader_config.py says."""
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=load_config(course_dir))


def step_folder(coursedir, step, student, assignment):
    """``{step}/{student}/{assignment}`` as nbgrader places it (``step``: "autograded", ...)."""
    folder = getattr(coursedir, f"{step}_directory")
    return Path(coursedir.format_path(folder, student, assignment))


def sqlite_path(db_url):
    """The database file of a SQLite URL, or None for another database or an in-memory one."""
    from sqlalchemy.engine import make_url

    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


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
