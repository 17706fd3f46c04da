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


def graded_with_nbgrader(workdir, answers, extra=None):
    """Grade one submission per answer with the real `nbgrader autograde` in a copy of the course.

    ``extra`` maps more student ids to ready-made notebooks (e.g. the untouched release).
    Returns ``(roster, results)`` with results read from nbgrader's gradebook and graded notebooks.
    """
    import nbformat

    from autograder._nbgrader import run_nbgrader
    from autograder.demo import prepare_course
    from autograder.release import ASSIGNMENT
    from autograder.results import read_results
    from autograder.sample_class import EXERCISE, build_class

    course = prepare_course(ROOT, workdir)
    run_nbgrader(["generate_assignment", ASSIGNMENT, "--force"], course)
    roster = build_class(course, answers)
    for student, notebook in (extra or {}).items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / EXERCISE)
    run_nbgrader(["autograde", ASSIGNMENT, "--force"], course, check=False)
    return course, roster, read_results(course)
