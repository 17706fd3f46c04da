"""Build a sample class of submissions from the released notebook and the answer catalogue."""

import shutil
from pathlib import Path

import nbformat

from autograder.release import ASSIGNMENT
from autograder.samples import ANSWERS

EXERCISE = "05_time_to_code.ipynb"
ANSWER_CELL = "model_layers"

_FIRST = [
    "amara",
    "bastien",
    "chiara",
    "dmitri",
    "elif",
    "farid",
    "greta",
    "hiro",
    "ines",
    "jonas",
    "kavya",
    "lukas",
    "mei",
    "nadia",
    "oskar",
    "priya",
    "quentin",
    "rosa",
    "sven",
    "tamar",
    "umar",
    "vera",
    "wen",
    "ximena",
    "yusuf",
    "zofia",
    "aditi",
    "bruno",
    "camille",
    "diego",
]
_LAST = [
    "okafor",
    "morel",
    "ricci",
    "volkov",
    "yilmaz",
    "haddad",
    "lindqvist",
    "tanaka",
    "duarte",
    "weber",
    "iyer",
    "novak",
    "chen",
    "benali",
    "nilsson",
    "raman",
    "lefebvre",
    "garcia",
    "berg",
    "levi",
    "sheikh",
    "petrova",
    "zhang",
    "flores",
    "aydin",
    "kowalska",
    "rao",
    "costa",
    "dubois",
    "herrera",
]


def student_ids(count):
    """``count`` distinct, plausible student ids, the same on every run."""
    ids = []
    for i in range(count):
        first = _FIRST[i % len(_FIRST)]
        last = _LAST[(i * 7 + i // len(_FIRST)) % len(_LAST)]
        ids.append(f"{first}-{last}")
    assert len(set(ids)) == count, "student ids must be distinct"
    return ids


def with_answer(notebook, code):
    """A copy of ``notebook`` whose `model_layers` answer cell holds ``code``."""
    nb = nbformat.from_dict(notebook)
    cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == ANSWER_CELL]
    if len(cells) != 1:
        raise ValueError(f"expected one '{ANSWER_CELL}' answer cell, found {len(cells)}")
    cells[0].source = code.rstrip("\n")
    return nb


def build_class(course_dir, answers=ANSWERS, assignment=ASSIGNMENT, timestamps=False):
    """Write one submission per answer into ``course_dir/submitted/``; return {student: answer}.

    Each student submits the released exercise notebook with their answer in the answer cell
    (an answer whose code is None submits a file that is not a notebook at all). With
    ``timestamps``, each gets a `timestamp.txt` as `nbgrader collect` would write.
    """
    course_dir = Path(course_dir)
    released = nbformat.read(course_dir / "release" / assignment / EXERCISE, as_version=4)
    roster = dict(zip(student_ids(len(answers)), answers, strict=True))
    for index, (student, answer) in enumerate(roster.items()):
        folder = course_dir / "submitted" / student / assignment
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        if answer.code is None:
            (folder / EXERCISE).write_text("{ this notebook was saved half-way", encoding="utf-8")
        else:
            nbformat.write(with_answer(released, answer.code), folder / EXERCISE)
        if timestamps:
            minute = index % 60
            (folder / "timestamp.txt").write_text(f"2026-12-01 17:{minute:02d}:00.000000 UTC")
    return roster


def register_names(course_dir, roster):
    """Give each sample student a first and last name in the gradebook (for exports)."""
    from nbgrader.api import Gradebook

    from autograder._nbgrader import course_directory

    with Gradebook(course_directory(course_dir).db_url) as gradebook:
        for student in roster:
            first, last = student.split("-", 1)
            gradebook.update_or_create_student(
                student, first_name=first.title(), last_name=last.title()
            )
