"""Generate the student notebooks in release/ from source_notebooks/ with nbgrader; check drift."""

import filecmp
import shutil
import tempfile
from pathlib import Path

import nbformat

from autograder._nbgrader import run_nbgrader

ASSIGNMENT = "logits"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
COURSE_FILES = ("nbgrader_config.py",)


def clean_notebook(path):
    """Strip outputs and execution counts and set the python3 kernelspec, in place.

    Returns True if the file changed.
    """
    before = Path(path).read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    after = nbformat.writes(nb) + "\n"
    if after != before:
        Path(path).write_text(after, encoding="utf-8")
        return True
    return False


def release(course_dir=".", assignment=ASSIGNMENT):
    """Regenerate ``release/ASSIGNMENT`` from the source with `nbgrader generate_assignment`.

    Returns the released notebooks. The output depends only on the source, so it is the same on
    every run and every machine.
    """
    course_dir = Path(course_dir).resolve()
    source = course_dir / "source_notebooks" / assignment
    if not source.is_dir():
        raise FileNotFoundError(f"no source notebooks for '{assignment}' in {source}")
    run_nbgrader(["generate_assignment", assignment, "--force"], course_dir)
    notebooks = sorted((course_dir / "release" / assignment).glob("*.ipynb"))
    for notebook in notebooks:
        clean_notebook(notebook)
    return notebooks


def check_release(course_dir=".", assignment=ASSIGNMENT):
    """Regenerate the release in a temporary copy of the course; return the differences found.

    An empty list means ``release/ASSIGNMENT`` is exactly what the source generates.
    """
    course_dir = Path(course_dir).resolve()
    committed = course_dir / "release" / assignment
    with tempfile.TemporaryDirectory(prefix="logits-release-") as tmp:
        scratch = Path(tmp)
        for name in COURSE_FILES:
            shutil.copy2(course_dir / name, scratch / name)
        shutil.copytree(course_dir / "source_notebooks", scratch / "source_notebooks")
        release(scratch, assignment)
        fresh = scratch / "release" / assignment
        return _differences(committed, fresh)


def _differences(committed, fresh):
    if not committed.is_dir():
        return [f"{committed} is missing: run `make release`"]
    problems = []
    ours = {p.relative_to(committed) for p in committed.rglob("*") if p.is_file()}
    theirs = {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()}
    problems += [f"release has {p} but the source does not generate it" for p in ours - theirs]
    problems += [f"release lacks {p}, which the source generates" for p in theirs - ours]
    for name in sorted(ours & theirs):
        if not filecmp.cmp(committed / name, fresh / name, shallow=False):
            problems.append(
                f"release/{committed.name}/{name} differs from what the source generates"
            )
    return problems
