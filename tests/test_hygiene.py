"""Hygiene: clean notebooks, a release in sync with its source, agreeing dependency lists."""

import re
import subprocess
import sys
import tomllib

import nbformat
import pytest
import yaml

from autograder.checks import CHECKS

NOTEBOOKS = sorted(
    p.relative_to(p.parents[2]).as_posix()
    for folder in ("source_notebooks", "release")
    for p in (__import__("conftest").ROOT / folder).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)


def _nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


def test_there_are_five_notebooks_in_source_and_release(root):
    """The chapter has its four lessons and the exercise, in source and in release alike."""
    source = sorted(p.name for p in (root / "source_notebooks" / "logits").glob("*.ipynb"))
    release = sorted(p.name for p in (root / "release" / "logits").glob("*.ipynb"))
    assert len(source) == 5
    assert source == release


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_notebooks_are_committed_clean(path, root):
    """No outputs, no execution counts, kernelspec python3, valid nbformat."""
    nb = nbformat.read(root / path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path}: outputs in cell {cell.get('id')}"
            assert cell.execution_count is None, f"{path}: execution count in {cell.get('id')}"


def test_exercise_cells_have_the_graded_interface(root):
    """The answer cell is `model_layers`; each check has a test cell, hidden tests in source."""
    name = "05_time_to_code.ipynb"
    source = nbformat.read(root / "source_notebooks" / "logits" / name, as_version=4)
    release = nbformat.read(root / "release" / "logits" / name, as_version=4)
    answers = [c for c in source.cells if _nbgrader(c).get("solution")]
    assert [_nbgrader(c)["grade_id"] for c in answers] == ["model_layers"]
    tests = {_nbgrader(c)["grade_id"]: c for c in source.cells if _nbgrader(c).get("grade")}
    assert set(tests) == {f"test_{check}" for check in CHECKS}
    for check in CHECKS.values():
        cell = tests[f"test_{check.id}"]
        assert _nbgrader(cell)["points"] == check.points
        assert "### BEGIN HIDDEN TESTS" in cell.source and f'"{check.id}"' in cell.source
    released = {_nbgrader(c)["grade_id"]: c for c in release.cells if _nbgrader(c).get("grade")}
    for cell in released.values():
        assert "HIDDEN" not in cell.source and "autograder" not in cell.source
        assert "public_check(" in cell.source
    answer = next(c for c in release.cells if _nbgrader(c).get("solution"))
    assert "raise NotImplementedError()" in answer.source
    assert "Dense(output_size" not in answer.source


def test_release_is_in_sync_with_source(root):
    """`autograder check-release` regenerates the release and finds no difference."""
    run = subprocess.run(
        [sys.executable, "-m", "autograder", "check-release"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr


def test_check_release_catches_a_hand_edit(root, tmp_path):
    """A hand-edited release notebook makes check-release fail and name the file."""
    import shutil

    for name in ("nbgrader_config.py",):
        shutil.copy2(root / name, tmp_path / name)
    for folder in ("source_notebooks", "release"):
        shutil.copytree(root / folder, tmp_path / folder)
    edited = tmp_path / "release" / "logits" / "05_time_to_code.ipynb"
    edited.write_text(edited.read_text().replace("Your task", "Your homework"))
    run = subprocess.run(
        [sys.executable, "-m", "autograder", "--course-dir", str(tmp_path), "check-release"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert "05_time_to_code.ipynb differs" in run.stderr


def _requirement_names(specs):
    return {re.split(r"[<>=!~ \[]", spec, maxsplit=1)[0].lower(): spec for spec in specs}


def test_environment_yml_matches_pyproject(root):
    """environment.yml lists exactly pyproject's runtime dependencies, with the same pins."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    environment = yaml.safe_load((root / "environment.yml").read_text())
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert _requirement_names(pip) == _requirement_names(project["dependencies"])
    python = next(d for d in environment["dependencies"] if str(d).startswith("python="))
    assert python == "python=3.11"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.startswith("source_notebooks")])
def test_each_notebook_opens_with_goals_draws_with_course_and_ends_with_a_quiz(path, root):
    """Goals first; at least one figure drawn by `course`; a quiz among the closing cells."""
    nb = nbformat.read(root / path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and "**Goals.**" in nb.cells[0].source
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert any(re.search(r"\b(diagrams|plots|widgets)\.\w+\(", source) for source in code)
    assert any("quiz.ask(" in source for source in code[-4:])
