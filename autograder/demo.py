"""The demo: an instructor's grading run on a sample class, in a scratch copy of the course."""

import shutil
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from autograder._nbgrader import run_nbgrader
from autograder.release import ASSIGNMENT, COURSE_FILES, release
from autograder.results import read_results
from autograder.sample_class import build_class


def prepare_course(course_dir, workdir):
    """Copy the course (config, source, release) into ``workdir``, replacing what was there."""
    course_dir, workdir = Path(course_dir).resolve(), Path(workdir).resolve()
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    for name in COURSE_FILES:
        shutil.copy2(course_dir / name, workdir / name)
    for folder in ("source_notebooks", "release"):
        shutil.copytree(course_dir / folder, workdir / folder)
    return workdir


def run_demo(course_dir=".", workdir="build/demo", console=None):
    """Release, build the sample class, grade it with `nbgrader autograde`, print the scores."""
    console = console or Console()
    started = time.perf_counter()
    console.print("[bold]1/4[/] regenerating release/ from source_notebooks/ with nbgrader")
    release(course_dir)
    workdir = prepare_course(course_dir, workdir)
    console.print(f"[bold]2/4[/] scratch course directory: {workdir}")
    run_nbgrader(["generate_assignment", ASSIGNMENT, "--force"], workdir)
    roster = build_class(workdir)
    console.print(
        f"[bold]3/4[/] sample class: {len(roster)} submissions in {workdir / 'submitted'}"
    )
    console.print("[bold]4/4[/] grading with `nbgrader autograde` (one fresh kernel each)...")
    grading = time.perf_counter()
    run_nbgrader(["autograde", ASSIGNMENT, "--force"], workdir, check=False)
    graded_in = time.perf_counter() - grading
    results = read_results(workdir)
    console.print(score_table(roster, results))
    console.print(
        f"graded {len(results)} of {len(roster)} submissions in {graded_in:.0f} s "
        f"({graded_in / max(len(roster), 1):.1f} s each); demo total "
        f"{time.perf_counter() - started:.0f} s"
    )
    console.print(f"graded notebooks: {workdir / 'autograded'}")
    return roster, results


def score_table(roster, results):
    """A table of each student's score and the mistakes the checks named."""
    table = Table(title=f"Assignment '{ASSIGNMENT}': scores")
    for column in ("student", "answer", "score", "named mistakes"):
        table.add_column(column)
    for student, answer in roster.items():
        result = results.get(student)
        if result is None:
            table.add_row(student, answer.slug, "not graded", "")
            continue
        score = f"{result.score:g} / {result.max_score:g}"
        table.add_row(student, answer.slug, score, ", ".join(result.mistakes) or "-")
    return table
