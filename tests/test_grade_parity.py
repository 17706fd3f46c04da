"""`autograder grade` scores nbgrader's own test notebooks exactly as `nbgrader autograde` does."""

import shutil
from pathlib import Path

import nbgrader
import pytest
from nbgrader.api import Gradebook

from autograder._nbgrader import run_nbgrader
from autograder.grading import grade

pytestmark = pytest.mark.slow
FILES = Path(nbgrader.__file__).parent / "tests" / "apps" / "files"
# assignment -> (source notebook, {student: submitted notebook}), as nbgrader's own tests pair them
CASES = {
    "ps1": (
        "submitted-unchanged.ipynb",
        {
            "foo": "submitted-unchanged.ipynb",
            "bar": "submitted-changed.ipynb",
            "spam": "submitted-cheat-attempt.ipynb",
            "eggs": "submitted-cheat-attempt-alternative.ipynb",
            "grade-cell-changed": "submitted-grade-cell-changed.ipynb",
            "locked-cell-changed": "submitted-locked-cell-changed.ipynb",
        },
    ),
    "ps2": ("test-hidden-tests.ipynb", {"hidden": "test-hidden-tests.ipynb"}),
}


def _course(root):
    root.mkdir(parents=True)
    (root / "nbgrader_config.py").write_text("c = get_config()\n")
    for assignment, (source, submissions) in CASES.items():
        (root / "source" / assignment).mkdir(parents=True)
        shutil.copy(FILES / source, root / "source" / assignment / "p1.ipynb")
        run_nbgrader(["generate_assignment", assignment], root)
        for student, name in submissions.items():
            folder = root / "submitted" / student / assignment
            folder.mkdir(parents=True)
            shutil.copy(FILES / name, folder / "p1.ipynb")
    return root


def _grades(root):
    found = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for assignment, (_, submissions) in CASES.items():
            for student in submissions:
                notebook = gradebook.find_submission_notebook("p1", assignment, student)
                cells = {g.name: (g.auto_score, g.needs_manual_grade) for g in notebook.grades}
                found[(assignment, student)] = (notebook.score, notebook.needs_manual_grade, cells)
    return found


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("parity")
    theirs = _course(tmp / "nbgrader")
    ours = tmp / "autograder"
    shutil.copytree(theirs, ours)
    for assignment in CASES:
        run_nbgrader(["autograde", assignment], theirs, check=False)
        summary = grade(ours, assignment, progress=False)
        assert summary.failed == {}, summary.failed
    return _grades(theirs), _grades(ours)


@pytest.mark.parametrize(
    "case", [(a, s) for a, (_, subs) in CASES.items() for s in subs], ids="/".join
)
def test_same_scores_as_nbgrader(case, both):
    """Total, needs-manual-grade flag and every cell's automatic score match nbgrader's."""
    theirs, ours = both
    assert ours[case] == theirs[case]
