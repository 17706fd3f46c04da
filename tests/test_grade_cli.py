"""The `autograder grade` command as an instructor runs it: progress, summary, rerun, --force."""

import subprocess
import sys

import pytest
from conftest import ROOT

from autograder._nbgrader import nbgrader_env, run_nbgrader
from autograder.demo import prepare_course
from autograder.sample_class import build_class
from autograder.samples import CORRECT, Answer

pytestmark = pytest.mark.slow


def _grade(course, *args):
    return subprocess.run(
        [sys.executable, "-m", "autograder", "grade", "logits", "--seed", "5", *args],
        cwd=course,
        env=nbgrader_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = prepare_course(ROOT, tmp_path_factory.mktemp("cli") / "course")
    run_nbgrader(["generate_assignment", "logits", "--force"], course)
    roster = build_class(course, [CORRECT[0], Answer("half-saved", None, "rejected")])
    by_slug = {answer.slug: student for student, answer in roster.items()}
    return course, by_slug


def test_progress_summary_rerun_and_force(course):
    """A progress bar, then counts, the seed, the throughput and each zero with its reason;
    a rerun skips the graded students; --force grades them again."""
    course, by_slug = course
    first = _grade(course)
    assert first.returncode == 0, first.stderr
    assert "2/2" in first.stderr and "submission" in first.stderr  # tqdm's bar, finished
    out = first.stdout
    assert "graded 2 submission(s)" in out and "hidden-check seed 5" in out
    assert "submissions per minute" in out
    assert "1 submission(s) scored 0 or could not be graded:" in out
    rejected = by_slug["half-saved"]
    assert (
        f"  {rejected}: the submission was rejected: 05_time_to_code.ipynb is not valid JSON" in out
    )
    assert by_slug[CORRECT[0].slug] not in out.split("could not be graded:")[1]

    again = _grade(course)
    assert again.returncode == 0, again.stderr
    assert "graded 0 submission(s)" in again.stdout
    assert "skipped 2 already graded (use --force to regrade)" in again.stdout

    forced = _grade(course, "--force", "--quiet")
    assert forced.returncode == 0, forced.stderr
    assert "graded 2 submission(s)" in forced.stdout
    assert "2/2" not in forced.stderr  # --quiet: no bar


def test_a_course_without_a_gradebook_gets_a_clear_error(tmp_path):
    """Run outside a released course: exit 2 and what to do, no traceback."""
    result = _grade(tmp_path)
    assert result.returncode == 2
    assert "no gradebook at" in result.stderr and "autograder release" in result.stderr
    assert "Traceback" not in result.stderr
