"""`autograder export`: grades as CSV in `nbgrader export`'s columns, and per-check scores."""

import csv
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.plugins import CsvExportPlugin

from autograder._nbgrader import course_directory
from autograder.release import ASSIGNMENT
from autograder.results import read_results

CHECK_COLUMNS = [
    "assignment",
    "student_id",
    "notebook",
    "check",
    "score",
    "max_score",
    "passed",
    "public_passed",
    "mistakes",
]


def export(course_dir=".", assignment=ASSIGNMENT, out_dir=None):
    """Write ``grades.csv`` (nbgrader's own CSV exporter) and ``checks.csv``; return both paths.

    ``grades.csv`` has one row per student with `nbgrader export`'s columns; ``checks.csv`` one
    row per student and test cell, with the mistakes the checks named.
    """
    course_dir = Path(course_dir)
    out_dir = Path(out_dir or course_dir / "reports" / assignment)
    out_dir.mkdir(parents=True, exist_ok=True)
    grades, checks = out_dir / "grades.csv", out_dir / "checks.csv"
    with Gradebook(course_directory(course_dir).db_url) as gradebook:
        gradebook.find_assignment(assignment)
        plugin = CsvExportPlugin(to=str(grades), assignment=[assignment])
        plugin.export(gradebook)
    results = read_results(course_dir, assignment)
    with checks.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CHECK_COLUMNS)
        for student, result in sorted(results.items()):
            for detail in result.details:
                writer.writerow(
                    [
                        assignment,
                        student,
                        detail.notebook,
                        detail.grade_id,
                        "" if detail.score is None else f"{detail.score:g}",
                        f"{detail.max_score:g}",
                        int(detail.passed),
                        "" if detail.public_passed is None else int(detail.public_passed),
                        " ".join(detail.mistakes),
                    ]
                )
    return grades, checks
