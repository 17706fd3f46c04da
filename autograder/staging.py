"""Copy submissions to a private staging area without following symlinks; reject bad notebooks.

The grader reads nothing else from ``submitted/``: every later step works on the staged copy, so
a symlink, a special file or a notebook swapped during grading cannot make the grader read or
write outside the submission.
"""

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

MAX_FILE_BYTES = 32 << 20
MAX_FILES = 500
MAX_DEPTH = 8
_CELL_TYPES = {"code", "markdown", "raw"}


class Rejected(ValueError):
    """A notebook the grader will not run; the message says exactly why."""


@dataclass
class Staged:
    """One student's submission, copied to ``folder``; what was refused and why."""

    student: str
    folder: Path
    notebooks: list = field(default_factory=list)
    rejected: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    fatal: str | None = None


def _read_nofollow(dir_fd, name):
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Rejected("is not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise Rejected(f"is {info.st_size} bytes, over the {MAX_FILE_BYTES} byte limit")
        chunks, total = [], 0
        while chunk := os.read(fd, 1 << 20):
            total += len(chunk)
            if total > MAX_FILE_BYTES:
                raise Rejected(f"is over the {MAX_FILE_BYTES} byte limit")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def check_notebook(data, name="notebook"):
    """Parse a notebook's bytes; return the nbformat node or raise `Rejected` with the reason."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Rejected(f"{name} is not UTF-8 text (byte {error.start})") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise Rejected(
            f"{name} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    if not isinstance(raw, dict) or "cells" not in raw and "worksheets" not in raw:
        raise Rejected(f"{name} is JSON but not a notebook (no 'cells')")
    version = raw.get("nbformat")
    if version != 4:
        raise Rejected(
            f"{name} is nbformat {version!r}; only nbformat 4 notebooks are graded "
            "(open and save it in JupyterLab to convert it)"
        )
    cells = raw.get("cells")
    if not isinstance(cells, list):
        raise Rejected(f"{name}: 'cells' is not a list")
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") not in _CELL_TYPES:
            raise Rejected(f"{name}: cell {index} is not a code, markdown or raw cell")
        source = cell.get("source", "")
        if not isinstance(source, (str, list)) or (
            isinstance(source, list) and not all(isinstance(s, str) for s in source)
        ):
            raise Rejected(f"{name}: cell {index} has a source that is not text")
        if not isinstance(cell.get("metadata", {}), dict):
            raise Rejected(f"{name}: cell {index} has metadata that is not a mapping")
    try:
        return nbformat.reads(text, as_version=4)
    except Exception as error:  # nbformat's own reader refused it
        raise Rejected(f"{name} could not be read by nbformat: {error}") from None


def _nbgrader_cells(nb):
    cells = {}
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader")
        if isinstance(meta, dict) and meta.get("grade_id"):
            cells.setdefault(str(meta["grade_id"]), []).append((index, cell))
    return cells


def check_against_release(nb, released, name="notebook"):
    """Raise `Rejected` if ``nb`` no longer has the released notebook's graded structure.

    Refused: a missing answer cell, a graded cell whose type changed, a cell claiming an
    nbgrader id the assignment does not have, and an id used twice. Deleted test cells and
    locked cells are not refused: nbgrader puts them back from the gradebook.
    """
    mine, theirs = _nbgrader_cells(nb), _nbgrader_cells(released)
    for grade_id, found in mine.items():
        if grade_id not in theirs:
            raise Rejected(
                f"{name}: cell {found[0][0]} claims the nbgrader id '{grade_id}', which this "
                "assignment does not have (an extra graded cell)"
            )
        if len(found) > 1:
            where = ", ".join(str(i) for i, _ in found)
            raise Rejected(f"{name}: cells {where} all claim the nbgrader id '{grade_id}'")
    for grade_id, [(_, original)] in theirs.items():
        meta = original.metadata.nbgrader
        if grade_id not in mine:
            if meta.get("solution") and not meta.get("grade"):
                raise Rejected(
                    f"{name}: the answer cell '{grade_id}' is missing; copy it back from the "
                    "released notebook and put your answer in it"
                )
            continue
        index, cell = mine[grade_id][0]
        if cell.get("cell_type") != original.cell_type:
            raise Rejected(
                f"{name}: cell {index} ('{grade_id}') was a {original.cell_type} cell in the "
                f"released notebook and is now a {cell.get('cell_type')} cell"
            )


def _copy_tree(dir_fd, dest, staged, prefix="", depth=0, counter=None, release_dir=None):
    counter = counter if counter is not None else [0]
    dest.mkdir(parents=True, exist_ok=True)
    for entry in sorted(os.scandir(dir_fd), key=lambda e: e.name):
        rel = f"{prefix}{entry.name}"
        if entry.is_symlink():
            staged.notes.append(f"{rel} is a symbolic link: ignored")
            if not prefix and entry.name.endswith(".ipynb"):
                staged.rejected[entry.name[:-6]] = f"{rel} is a symbolic link, not a file"
            continue
        if entry.is_dir(follow_symlinks=False):
            if depth >= MAX_DEPTH:
                staged.notes.append(f"{rel}/ is nested too deep: ignored")
                continue
            sub = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dir_fd)
            try:
                _copy_tree(sub, dest / entry.name, staged, f"{rel}/", depth + 1, counter, None)
            finally:
                os.close(sub)
            continue
        counter[0] += 1
        if counter[0] > MAX_FILES:
            staged.notes.append(f"more than {MAX_FILES} files: {rel} and later ignored")
            return
        try:
            data = _read_nofollow(dir_fd, entry.name)
        except (Rejected, OSError) as error:
            reason = f"{rel} {error}" if isinstance(error, Rejected) else f"{rel}: {error.strerror}"
            staged.notes.append(reason + ": ignored")
            if not prefix and entry.name.endswith(".ipynb"):
                staged.rejected[entry.name[:-6]] = reason
            continue
        if not prefix and entry.name.endswith(".ipynb"):
            try:
                nb = check_notebook(data, rel)
                released = Path(release_dir or ".") / entry.name
                if release_dir is not None and released.is_file():
                    check_against_release(nb, nbformat.read(released, as_version=4), rel)
            except Rejected as error:
                staged.rejected[entry.name[:-6]] = str(error)
                continue
            staged.notebooks.append(entry.name[:-6])
        (dest / entry.name).write_bytes(data)


def stage_submission(submitted_root, student, assignment, staging_root, release_dir):
    """Copy ``submitted_root/student/assignment`` into ``staging_root``; return a `Staged`.

    A rejected notebook is replaced by the released (unanswered) notebook, marked with the
    reason, so nbgrader still records a grade of 0 for each of its test cells.
    """
    dest = Path(staging_root) / student / assignment
    staged = Staged(student, dest)
    try:
        top = os.open(submitted_root, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fd = top
            for part in (student, assignment):
                fd = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            try:
                _copy_tree(fd, dest, staged, release_dir=release_dir)
            finally:
                os.close(fd)
        finally:
            os.close(top)
    except OSError as error:
        staged.fatal = (
            f"submitted/{student}/{assignment} is not a readable folder "
            f"(a symbolic link or unreadable: {error.strerror})"
        )
        dest.mkdir(parents=True, exist_ok=True)
        for released in sorted(Path(release_dir).glob("*.ipynb")):
            staged.rejected[released.stem] = staged.fatal
    for name, reason in staged.rejected.items():
        released = Path(release_dir) / f"{name}.ipynb"
        if not released.is_file():
            continue
        nb = nbformat.read(released, as_version=4)
        nb.metadata["autograder"] = {"rejected": reason}
        nbformat.write(nb, dest / f"{name}.ipynb")
    return staged
