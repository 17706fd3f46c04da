"""Wherever nbgrader_config.py puts the course data, the sandbox hides it; every command uses it."""

from pathlib import Path

import pytest
from conftest import ROOT
from nbgrader.coursedir import CourseDirectory

from autograder._nbgrader import load_config
from autograder.grading import _course_paths, _sandbox_paths


def test_course_data_outside_the_root_is_hidden_too(tmp_path):
    """A gradebook, exchange and submitted folder configured outside the course root are hidden."""
    root, elsewhere = tmp_path / "course", tmp_path / "elsewhere"
    for folder in (root, elsewhere / "exchange", elsewhere / "inbox"):
        folder.mkdir(parents=True)
    (elsewhere / "grades.db").write_bytes(b"")
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{elsewhere / 'grades.db'}'\n"
        f"c.CourseDirectory.submitted_directory = '{elsewhere / 'inbox'}'\n"
        f"c.Exchange.root = '{elsewhere / 'exchange'}'\n"
    )
    config = load_config(root)
    places = _course_paths(CourseDirectory(config=config), config)
    hide, _ = _sandbox_paths(root, tmp_path / "scratch", places)
    hidden = [Path(h) for h in hide]
    for secret in ("grades.db", "grades.db-wal", "grades.db-journal", "inbox", "exchange"):
        place = (elsewhere / secret).resolve()
        assert any(place == h or h in place.parents for h in hidden), secret
    assert str(root.resolve()) in hide


@pytest.mark.slow
def test_grade_feedback_and_export_follow_a_relocated_course(tmp_path):
    """Gradebook, autograded/ and feedback/ configured outside the root: grading, results,
    feedback and export use them; the gradebook's journal mode is restored after grading."""
    import sqlite3

    from autograder._nbgrader import run_nbgrader
    from autograder.demo import prepare_course
    from autograder.export import export
    from autograder.feedback import write_feedback
    from autograder.grading import grade
    from autograder.results import read_results
    from autograder.sample_class import build_class
    from autograder.samples import CORRECT, MISTAKEN

    course = prepare_course(ROOT, tmp_path / "course")
    data = tmp_path / "data"
    data.mkdir()
    with (course / "nbgrader_config.py").open("a") as config:
        config.write(
            f"c.CourseDirectory.db_url = 'sqlite:///{data / 'grades.db'}'\n"
            f"c.CourseDirectory.autograded_directory = '{data / 'graded'}'\n"
            f"c.CourseDirectory.feedback_directory = '{data / 'returned'}'\n"
        )
    run_nbgrader(["generate_assignment", "logits", "--force"], course)
    roster = build_class(course, [CORRECT[0], MISTAKEN[0]])
    summary = grade(course, "logits", progress=False)
    assert summary.failed == {} and len(summary.graded) == 2
    assert not (course / "gradebook.db").exists() and not (course / "autograded").exists()
    with sqlite3.connect(data / "grades.db") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert not (data / "grades.db-wal").exists()

    results = read_results(course)
    by_answer = {answer.slug: results[student] for student, answer in roster.items()}
    assert by_answer[CORRECT[0].slug].score == 10
    assert MISTAKEN[0].mistake in by_answer[MISTAKEN[0].slug].mistakes
    pages = write_feedback(course, "logits")
    assert sorted(p.relative_to(data / "returned").parts[0] for p in pages) == sorted(roster)
    grades, _ = export(course, "logits", tmp_path / "out")
    assert len(grades.read_text().strip().splitlines()) == 3  # header + 2 students
