"""The demo: an instructor's whole grading run on a sample class, in a scratch course directory.

Release → collect (a generated class of about 200 students) → `autograder grade` → feedback →
report → export, the same commands an instructor runs on a real course.
"""

import random
import shutil
import time
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from autograder._nbgrader import run_nbgrader
from autograder.release import ASSIGNMENT, COURSE_FILES, release
from autograder.results import read_results
from autograder.sample_class import build_class, register_names
from autograder.samples import CORRECT, DISRUPTIVE, MISTAKEN, Answer

CLASS_SIZE = 200


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


def sample_answers(size=CLASS_SIZE, seed=2026):
    """A plausible class: every correct form and every mistake at least once, a few broken runs.

    About half the class is right (mostly the textbook answer); the rest spread over the
    catalogued mistakes, plus a notebook that runs forever, one that kills its interpreter and
    one that is not a notebook at all.
    """
    rng = random.Random(seed)
    broken = [*DISRUPTIVE, Answer("not-a-notebook", None, "rejected")]
    answers = list(CORRECT) + list(MISTAKEN) + broken
    rest = size - len(answers)
    right = rest // 2
    answers += [CORRECT[0]] * (right // 2) + rng.choices(CORRECT, k=right - right // 2)
    answers += rng.choices(MISTAKEN, k=rest - right)
    rng.shuffle(answers)
    return answers


def run_demo(course_dir=".", workdir="build/demo", size=CLASS_SIZE, console=None):
    """Run the instructor's workflow on a sample class; print the summary and the output paths."""
    from autograder._pool import start_pool

    if console is None:
        console = Console()
        if not console.is_terminal:  # a log or CI: rich would wrap lines at 80 columns
            console.width = max(console.width, 120)
    started = time.perf_counter()
    warm = start_pool()  # the workers import TensorFlow while the class is prepared
    console.print("[bold]1/6 release[/]  regenerating release/ from source_notebooks/ (nbgrader)")
    release(course_dir)
    workdir = prepare_course(course_dir, workdir)
    run_nbgrader(["generate_assignment", ASSIGNMENT, "--force"], workdir)
    roster = build_class(workdir, sample_answers(size), timestamps=True)
    register_names(workdir, roster)
    console.print(f"[bold]2/6 collect[/]  {len(roster)} submissions in {workdir / 'submitted'}")
    console.print("[bold]3/6 grade[/]    autograder grade (warm workers, one sandbox each)")
    from autograder.grading import grade, print_summary

    summary = grade(workdir, ASSIGNMENT, timeout=30, warm_pool=warm, log=console.print)
    print_summary(summary, out=console.print)
    from autograder.export import export
    from autograder.feedback import leaked_lines, write_feedback
    from autograder.report import write_report

    pages = write_feedback(workdir, ASSIGNMENT)
    leaks = leaked_lines(pages, workdir / "source_notebooks" / ASSIGNMENT)
    verdict = "no hidden-test line in any" if not leaks else f"LEAKED: {sorted(leaks)}"
    console.print(f"[bold]4/6 feedback[/] {len(pages)} pages, checked: {verdict}")
    report_html, report_csv = write_report(workdir, ASSIGNMENT)
    console.print("[bold]5/6 report[/]   class report with item analysis")
    grades_csv, checks_csv = export(workdir, ASSIGNMENT)
    console.print("[bold]6/6 export[/]   grades and per-check scores as CSV")

    results = read_results(workdir, ASSIGNMENT)
    console.print(score_summary(results))
    console.print(f"demo finished in {time.perf_counter() - started:.0f} s")
    console.print(f"  report:   {report_html}")
    console.print(f"  tables:   {report_csv}, {grades_csv}, {checks_csv}")
    console.print(f"  feedback: {workdir / 'feedback'}/<student>/{ASSIGNMENT}/feedback.html")
    console.print(f"  graded notebooks: {workdir / 'autograded'}")
    return roster, results


def score_summary(results):
    """A table: how many students got each score, and the most common named mistakes."""
    table = Table(title=f"Assignment '{ASSIGNMENT}': {len(results)} students")
    table.add_column("score", justify="right")
    table.add_column("students", justify="right")
    scores = Counter(r.score for r in results.values())
    for score in sorted(scores, reverse=True):
        table.add_row(f"{score:g}", str(scores[score]))
    mistakes = Counter(m for r in results.values() for m in r.mistakes)
    common = Table(title="Most common named mistakes")
    common.add_column("mistake")
    common.add_column("students", justify="right")
    for mistake, count in mistakes.most_common(8):
        common.add_row(mistake, str(count))
    both = Table.grid(padding=(0, 4))
    both.add_row(table, common)
    return both
