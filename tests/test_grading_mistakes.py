"""Real `nbgrader autograde`: each catalogued mistake scores less than full and is named."""

import pytest
from conftest import graded_both_ways

from autograder.checks import CHECKS
from autograder.mistakes import MISTAKES
from autograder.samples import MISTAKEN

FULL = sum(c.points for c in CHECKS.values())
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    run = graded_both_ways(tmp_path_factory.mktemp("course"), MISTAKEN)
    by_slug = {answer.slug: student for student, answer in run.roster.items()}
    return run.course, by_slug, run.results, run


@pytest.mark.parametrize("answer", MISTAKEN, ids=lambda a: a.slug)
def test_mistake_scores_less_and_is_named(answer, graded):
    """Less than full marks, and the graded notebook carries the mistake's message and fix."""
    course, by_slug, results, _ = graded
    student = by_slug[answer.slug]
    result = results[student]
    assert result.score < FULL
    assert answer.mistake in result.mistakes
    graded_nb = course / "autograded" / student / "logits" / "05_time_to_code.ipynb"
    assert MISTAKES[answer.mistake].fix.split(":")[0] in graded_nb.read_text()


def test_autograder_grade_agrees_with_nbgrader(graded):
    """Same totals, per-cell scores and named mistakes as nbgrader, for every mistake."""
    _, _, results, run = graded
    assert set(run.ours_results) == set(results)
    for student, theirs in results.items():
        ours = run.ours_results[student]
        assert (ours.score, ours.checks) == (theirs.score, theirs.checks), student
        assert ours.mistakes == theirs.mistakes, student
