"""Read graded results: scores from nbgrader's gradebook, named mistakes from graded notebooks."""

import re
from dataclasses import dataclass, field

import nbformat
from nbgrader.api import Gradebook

from autograder._nbgrader import course_directory, step_folder
from autograder.release import ASSIGNMENT

_MISTAKE = re.compile(r"^\[([a-z0-9-]+)\] ", re.MULTILINE)
_PUBLIC_PASSED = re.compile(r"^public check '[a-z_]+' passed$", re.MULTILINE)
_FAILURE_COMMENT = "autograder: scored 0 because "


@dataclass
class CheckResult:
    """One graded test cell of one student."""

    grade_id: str
    notebook: str
    score: float | None
    max_score: float
    mistakes: list = field(default_factory=list)
    error: str | None = None  # the error's type, when the cell failed
    public_passed: bool | None = None  # the visible part passed (Logits checks only)

    @property
    def passed(self):
        return self.score is not None and self.score >= self.max_score


@dataclass
class StudentResult:
    """One student's graded submission."""

    student: str
    score: float
    max_score: float
    checks: dict = field(default_factory=dict)  # grade_id -> score
    mistakes: list = field(default_factory=list)
    details: list = field(default_factory=list)  # CheckResult, in notebook order
    answers: list = field(default_factory=list)  # the student's own cells: dicts
    stopped: str | None = None  # why the run was stopped or rejected, if it was
    first_name: str | None = None
    last_name: str | None = None


def mistakes_in(notebook_path):
    """The catalogued mistake ids named in a graded notebook's test-cell errors, in order."""
    nb = nbformat.read(notebook_path, as_version=4)
    found = []
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            for mistake in _cell_mistakes(cell):
                if mistake not in found:
                    found.append(mistake)
    return found


def _cell_mistakes(cell):
    found = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            found += [m for m in _MISTAKE.findall(output.get("evalue", "")) if m not in found]
    return found


def _cell_details(cell, notebook, grade):
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in cell.get("outputs", []) if "text" in o)
    public = None
    if "public_check(" in cell.source:
        public = bool(_PUBLIC_PASSED.search(text))
    return CheckResult(
        grade_id=grade.name,
        notebook=notebook,
        score=grade.score,
        max_score=grade.max_score,
        mistakes=_cell_mistakes(cell),
        error=errors[0].get("ename") if errors else None,
        public_passed=public,
    )


def _answer_cells(nb):
    """The student's own work: answer cells, and the code cells they ran that are not tests."""
    cells = []
    for c in nb.cells:
        meta = c.metadata.get("nbgrader", {})
        own = meta.get("solution") or (
            c.cell_type == "code" and not meta.get("grade") and not meta.get("locked")
        )
        if own:
            outputs = list(c.get("outputs", []))
            cells.append({"source": c.source, "outputs": outputs, "cell_type": c.cell_type})
    return cells


def read_results(course_dir, assignment=ASSIGNMENT):
    """Every graded submission of ``assignment`` in the course's gradebook, by student id."""
    coursedir = course_directory(course_dir)
    results = {}
    with Gradebook(coursedir.db_url) as gradebook:
        for submission in gradebook.assignment_submissions(assignment):
            student = submission.student
            result = StudentResult(
                student.id,
                submission.score,
                submission.max_score,
                first_name=student.first_name,
                last_name=student.last_name,
            )
            for notebook in submission.notebooks:
                grades = {grade.name: grade for grade in notebook.grades}
                for name, grade in grades.items():
                    result.checks[name] = grade.score
                for comment in notebook.comments:
                    note = comment.auto_comment or ""
                    if note.startswith(_FAILURE_COMMENT):
                        result.stopped = note[len(_FAILURE_COMMENT) :]
                folder = step_folder(coursedir, "autograded", student.id, assignment)
                graded = folder / f"{notebook.name}.ipynb"
                if not graded.exists():
                    continue
                nb = nbformat.read(graded, as_version=4)
                result.answers += _answer_cells(nb)
                for cell in nb.cells:
                    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                    if cell.metadata.get("nbgrader", {}).get("grade") and grade_id in grades:
                        detail = _cell_details(cell, notebook.name, grades[grade_id])
                        result.details.append(detail)
                        result.mistakes += [m for m in detail.mistakes if m not in result.mistakes]
            results[student.id] = result
    return results
