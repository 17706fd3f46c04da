"""Real `nbgrader autograde`: the solution and every correct form score full; the blank one 0."""

import nbformat
import pytest
from conftest import ROOT, graded_both_ways

from autograder.checks import CHECKS
from autograder.samples import CORRECT

FULL = sum(c.points for c in CHECKS.values())
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    release = nbformat.read(ROOT / "release" / "logits" / "05_time_to_code.ipynb", as_version=4)
    run = graded_both_ways(
        tmp_path_factory.mktemp("course"), CORRECT, extra={"unanswered": release}
    )
    by_slug = {answer.slug: student for student, answer in run.roster.items()}
    return run.course, by_slug, run.results, run


@pytest.mark.parametrize("answer", CORRECT, ids=lambda a: a.slug)
def test_correct_form_scores_full(answer, graded):
    """The solution and each accepted variant (units=, activation=None/'linear', keras imports,
    other initializer and dtype, stdout/stderr prints and warnings) get every point."""
    _, by_slug, results, _ = graded
    result = results[by_slug[answer.slug]]
    assert result.max_score == FULL
    assert result.score == FULL, (result.checks, result.mistakes)
    assert result.mistakes == []


def test_unanswered_release_scores_zero(graded):
    """The release notebook as handed out scores 0 and is told to replace the placeholder."""
    _, _, results, _ = graded
    result = results["unanswered"]
    assert result.score == 0
    assert result.max_score == FULL
    assert result.mistakes == ["not-implemented"]


def test_graded_notebook_keeps_hidden_test_output(graded):
    """nbgrader restored the hidden tests: the graded notebook shows the hidden seed line."""
    course, by_slug, _, _ = graded
    student = by_slug["solution"]
    graded_nb = course / "autograded" / student / "logits" / "05_time_to_code.ipynb"
    text = graded_nb.read_text()
    assert "hidden checks: seed" in text


def test_autograder_grade_agrees_with_nbgrader(graded):
    """`autograder grade` gives every student the same total and per-cell scores as nbgrader."""
    _, _, results, run = graded
    assert run.summary.failed == {}
    assert set(run.ours_results) == set(results)
    for student, theirs in results.items():
        ours = run.ours_results[student]
        assert (ours.score, ours.checks) == (theirs.score, theirs.checks), student
        assert ours.mistakes == theirs.mistakes, student
