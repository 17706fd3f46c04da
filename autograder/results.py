"""Read graded results: scores from nbgrader's gradebook, named mistakes from graded notebooks."""

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from autograder.release import ASSIGNMENT

_MISTAKE = re.compile(r"^\[([a-z0-9-]+)\] ", re.MULTILINE)


@dataclass
class StudentResult:
    """One student's graded submission."""

    student: str
    score: float
    max_score: float
    checks: dict = field(default_factory=dict)
    mistakes: list = field(default_factory=list)


def mistakes_in(notebook_path):
    """The catalogued mistake ids named in a graded notebook's test-cell errors, in order."""
    nb = nbformat.read(notebook_path, as_version=4)
    found = []
    for cell in nb.cells:
        if not cell.metadata.get("nbgrader", {}).get("grade"):
            continue
        for output in cell.get("outputs", []):
            text = output.get("evalue", "") if output.get("output_type") == "error" else ""
            found += [m for m in _MISTAKE.findall(text) if m not in found]
    return found


def read_results(course_dir, assignment=ASSIGNMENT):
    """Every graded submission of ``assignment`` in the course's gradebook, by student id."""
    course_dir = Path(course_dir)
    results = {}
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        for submission in gradebook.assignment_submissions(assignment):
            student = submission.student.id
            result = StudentResult(student, submission.score, submission.max_score)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    result.checks[grade.name] = grade.score
                graded = course_dir / "autograded" / student / assignment / f"{notebook.name}.ipynb"
                if graded.exists():
                    result.mistakes += mistakes_in(graded)
            results[student] = result
    return results
