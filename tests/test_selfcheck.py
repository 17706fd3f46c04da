"""The student's self-check: one call says all public checks passed, or names the mistake."""

import pytest
from conftest import answer_function

import course
from autograder.mistakes import MISTAKES
from autograder.samples import CORRECT, MISTAKEN
from course.selfcheck import public_check


def test_correct_answer_passes(tf, capsys):
    """The solution gets the all-passed message and a true result."""
    result = course.check_model_layers(answer_function(CORRECT[0], tf))
    assert result
    assert "All public checks passed" in capsys.readouterr().out


@pytest.mark.parametrize("slug", ["sigmoid-activation", "no-name", "tf1-layers-dense"])
def test_mistake_is_named_with_its_fix(slug, tf, capsys):
    """A wrong answer gets the mistake's id, what went wrong, and how to fix it."""
    answer = next(a for a in MISTAKEN if a.slug == slug)
    result = course.check_model_layers(answer_function(answer, tf))
    printed = capsys.readouterr().out
    assert not result
    assert answer.mistake in result.mistakes
    assert f"[{answer.mistake}]" in printed
    assert MISTAKES[answer.mistake].fix in printed
    assert "All public checks passed" not in printed


def test_public_check_asserts_with_the_message(tf):
    """A public test-cell check raises AssertionError carrying the named mistake."""
    answer = next(a for a in MISTAKEN if a.slug == "no-bias")
    with pytest.raises(AssertionError, match=r"\[no-bias\]"):
        public_check("single_linear_dense", answer_function(answer, tf))


def test_init_inputs_is_the_tf2_placeholder(tf):
    """init_inputs gives a symbolic (None, n) input named 'inputs'."""
    inputs = course.init_inputs(7)
    assert tuple(inputs.shape) == (None, 7)
    assert inputs.name == "inputs"
