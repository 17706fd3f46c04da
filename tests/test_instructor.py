"""The instructor's side after grading: feedback without hidden tests, the class report, exports."""

import csv
import re
import subprocess
import sys
from collections import Counter

import nbformat
import pytest
from conftest import ROOT

from autograder._nbgrader import nbgrader_env, run_nbgrader
from autograder.demo import prepare_course
from autograder.feedback import hidden_test_lines, leaked_lines, write_feedback
from autograder.grading import grade
from autograder.mistakes import MISTAKES
from autograder.report import write_report
from autograder.results import read_results
from autograder.sample_class import build_class
from autograder.samples import ANSWERS, DISRUPTIVE, Answer

pytestmark = pytest.mark.slow
HOSTILE_PRINT = Answer(
    "prints-markup",
    "def model_layers(inputs, output_size):\n"
    "    return tf.keras.layers.Dense(output_size, name='logits')(inputs)\n"
    "print('<script>alert(1)</script><img src=x onerror=alert(2)>')",
)

# Finds the test cells (hidden tests included) in its own process's memory and prints them.
PRINTS_HIDDEN_TESTS = Answer(
    "prints-hidden-tests",
    "def model_layers(inputs, output_size):\n"
    "    return tf.keras.layers.Dense(output_size, name='logits')(inputs)\n"
    "import gc\n"
    "for found in gc.get_objects():\n"
    "    if isinstance(found, dict) and 'hidden_check(' in str(found.get('source', '')):\n"
    "        print(found['source'])",
)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = prepare_course(ROOT, tmp_path_factory.mktemp("instructor") / "course")
    run_nbgrader(["generate_assignment", "logits", "--force"], course)
    answers = [
        *ANSWERS,
        *DISRUPTIVE,
        Answer("not-a-notebook", None, "rejected"),
        HOSTILE_PRINT,
        PRINTS_HIDDEN_TESTS,
    ]
    roster = build_class(course, answers, timestamps=True)
    grade(course, "logits", progress=False, timeout=20)
    pages = write_feedback(course, "logits")
    report = write_report(course, "logits")
    by_slug = {answer.slug: student for student, answer in roster.items()}
    return {
        "course": course,
        "pages": pages,
        "report": report,
        "by_slug": by_slug,
        "roster": roster,
    }


def _page(course, student):
    return (course["course"] / "feedback" / student / "logits" / "feedback.html").read_text()


def test_one_feedback_page_per_graded_student(course):
    """Every graded student gets feedback/{student}/logits/feedback.html."""
    results = read_results(course["course"])
    assert len(course["pages"]) == len(results) == len(course["by_slug"])


def test_no_hidden_test_line_in_any_feedback(course):
    """No line of any hidden test appears in any student's feedback page."""
    hidden = hidden_test_lines(course["course"] / "source_notebooks" / "logits")
    assert len(hidden) >= 5
    assert leaked_lines(course["pages"], course["course"] / "source_notebooks" / "logits") == set()


def test_hidden_tests_printed_from_memory_stay_out_of_feedback(course):
    """A submission that prints the test cells it finds in memory: graded notebook has them,
    its feedback page does not (the lines are replaced by a note)."""
    from autograder.feedback import REMOVED

    student = course["by_slug"]["prints-hidden-tests"]
    graded = course["course"] / "autograded" / student / "logits" / "05_time_to_code.ipynb"
    hidden = hidden_test_lines(course["course"] / "source_notebooks" / "logits")
    cells = nbformat.read(graded, as_version=4).cells
    printed = "".join(o.get("text", "") for c in cells for o in c.get("outputs", []))
    assert any(line in printed for line in hidden), "the attack found nothing to print"
    page = _page(course, student)
    assert REMOVED in page
    assert (
        leaked_lines(
            [course["course"] / "feedback" / student / "logits" / "feedback.html"],
            course["course"] / "source_notebooks" / "logits",
        )
        == set()
    )


def test_feedback_names_the_mistake_fix_and_shows_own_code(course):
    """A sigmoid answer's page: its score, the named mistake, the fix and the student's code."""
    page = _page(course, course["by_slug"]["sigmoid-activation"])
    assert "6 / 10 points" in page
    assert MISTAKES["nonlinear-activation"].title in page
    assert "sigmoid" in page and "model_layers" in page
    solution = _page(course, course["by_slug"]["solution"])
    assert "10 / 10 points" in solution and "failed</span>" not in solution


def test_feedback_explains_a_stopped_run(course):
    """A notebook that ran forever gets 0 and the sandbox's reason on its page."""
    page = _page(course, course["by_slug"]["runs-forever"])
    assert "0 / 10 points" in page and "wall-clock limit" in page


def test_feedback_escapes_student_output(course):
    """Markup printed by student code is shown as text, never run in the instructor's browser."""
    page = _page(course, course["by_slug"]["prints-markup"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "<script" not in page and "<img src=x" not in page


def test_report_counts_mistakes_and_checks(course):
    """The report's mistake counts and CSV rows agree with the graded results."""
    html_path, csv_path = course["report"]
    page = html_path.read_text()
    results = read_results(course["course"])
    counts = Counter(m for r in results.values() for m in r.mistakes)
    expected = Counter(a.mistake for a in course["roster"].values() if a.mistake)
    stopped_kinds = {"crash", "timeout", "rejected"}  # no verdict: the run was stopped
    for mistake, students in expected.items():
        if mistake not in stopped_kinds:
            assert counts[mistake] >= students, mistake
    for student, answer in course["roster"].items():
        if answer.mistake in stopped_kinds:
            assert results[student].stopped, student
    for mistake, count in counts.items():
        row = re.search(
            rf"<strong>{re.escape(mistake)}</strong>.*?<td class=\"num\">(\d+)</td>", page, re.S
        )
        assert row and int(row.group(1)) == count, mistake
    with csv_path.open() as handle:
        rows = list(csv.DictReader(handle))
    assert {r["student_id"] for r in rows} == set(results)


def test_report_is_self_contained_with_figures(course):
    """Three embedded PNG figures, and nothing loaded from elsewhere."""
    page = course["report"][0].read_text()
    assert page.count('src="data:image/png;base64,') == 3
    assert not re.search(r'(src|href)="(?!data:)', page)


def test_report_lists_hidden_only_failures_and_stopped_runs(course):
    """An answer fitted to the public sizes is listed; so are the stopped runs, with reasons."""
    page = course["report"][0].read_text()
    hidden_section = page.split("Passed the public checks, failed hidden ones")[1].split("<h2>")[0]
    assert course["by_slug"]["fits-the-public-sizes"] in hidden_section
    stopped_section = page.split("Crashed, timed out")[1].split("<h2>")[0]
    assert course["by_slug"]["runs-forever"] in stopped_section
    assert "wall-clock limit" in stopped_section and "not valid JSON" in stopped_section
    assert "submissions per minute" in page


def test_export_matches_nbgrader_export(course, tmp_path):
    """grades.csv is exactly what `nbgrader export` writes; checks.csv has a row per test cell."""
    out = tmp_path / "ours"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder",
            "--course-dir",
            str(course["course"]),
            "export",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=nbgrader_env(),
    )
    assert run.returncode == 0, run.stderr
    theirs = tmp_path / "theirs.csv"
    run_nbgrader(["export", "--to", str(theirs), "--assignment", "logits"], course["course"])
    assert (out / "grades.csv").read_text() == theirs.read_text()
    with (out / "checks.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 5 * len(course["by_slug"])
    sigmoid = course["by_slug"]["sigmoid-activation"]
    failed = {r["check"] for r in rows if r["student_id"] == sigmoid and r["passed"] == "0"}
    assert failed == {"test_single_linear_dense", "test_output_values"}


def test_demo_runs_the_whole_workflow(tmp_path):
    """`autograder demo` on a small class prints scores and the report, CSV and feedback paths."""
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder",
            "demo",
            "--students",
            "40",
            "--workdir",
            str(tmp_path / "demo"),
        ],
        capture_output=True,
        text=True,
        env=nbgrader_env(),
        cwd=ROOT,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "no hidden-test line in any" in run.stdout
    assert (tmp_path / "demo" / "reports" / "logits" / "report.html").exists()
    assert (tmp_path / "demo" / "reports" / "logits" / "grades.csv").exists()
