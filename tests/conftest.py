"""Shared fixtures: the repository root, and TensorFlow imported once, quietly."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def tf():
    from course import tf

    return tf


def answer_function(answer, tf):
    """The `model_layers` defined by an answer's source, as the student's notebook would run it."""
    namespace = {"tf": tf}
    exec(compile(answer.code, f"<answer {answer.slug}>", "exec"), namespace)
    return namespace["model_layers"]


def graded_both_ways(workdir, answers, extra=None):
    """Grade one submission per answer with the real `nbgrader autograde` and, on an identical
    copy of the course, with `autograder grade`.

    ``extra`` maps more student ids to ready-made notebooks (e.g. the untouched release).
    Returns a namespace: ``course``/``results`` for nbgrader, ``ours``/``ours_results`` for
    `autograder grade`, ``roster`` and ``summary``.
    """
    import shutil
    from types import SimpleNamespace

    import nbformat

    from autograder._nbgrader import run_nbgrader
    from autograder.demo import prepare_course
    from autograder.grading import grade
    from autograder.release import ASSIGNMENT
    from autograder.results import read_results
    from autograder.sample_class import EXERCISE, build_class

    workdir = Path(workdir)
    course = prepare_course(ROOT, workdir / "nbgrader")
    run_nbgrader(["generate_assignment", ASSIGNMENT, "--force"], course)
    roster = build_class(course, answers)
    for student, notebook in (extra or {}).items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / EXERCISE)
    ours = workdir / "autograder"
    shutil.copytree(course, ours)
    run_nbgrader(["autograde", ASSIGNMENT, "--force"], course, check=False)
    summary = grade(ours, ASSIGNMENT, progress=False)
    return SimpleNamespace(
        course=course,
        roster=roster,
        results=read_results(course),
        ours=ours,
        ours_results=read_results(ours),
        summary=summary,
    )


def pytest_terminal_summary(terminalreporter):
    """Name the browser tests' screenshot folder (printed by the controller, also under xdist)."""
    screenshots = ROOT / "artifacts" / "screenshots"
    if screenshots.is_dir() and any(screenshots.glob("*.png")):
        terminalreporter.write_line(f"browser screenshots: {screenshots}")
