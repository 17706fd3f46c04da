"""Unit tests of course.widgets and course.quiz, driven without a browser by setting values."""

import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course import plots, quiz, widgets  # noqa: E402

X = [1.0, 2.0, -1.0]
W = [[0.5, -1.0], [0.25, 0.0], [-2.0, 1.5]]
B = [0.1, -0.3]


def _shown(value):
    """Format a number as the widgets print it, true minus sign included."""
    return f"{value:.2f}".replace("-", "\N{MINUS SIGN}")


def test_dense_output_is_the_linear_combination():
    """dense_output computes each y_j = sum_i x_i w_ij + b_j."""
    expected = [sum(X[i] * W[i][j] for i in range(3)) + B[j] for j in range(2)]
    np.testing.assert_allclose(widgets.dense_output(X, W, B), expected)


def test_weight_demo_is_a_widget_with_a_slider_per_parameter():
    """The demo is an ipywidgets container with (n + 1) · k FloatSliders set to the given values."""
    demo = widgets.weight_slider_demo(W, B, X)
    assert isinstance(demo, ipywidgets.Box)
    sliders = demo.sliders()
    assert len(sliders) == (3 + 1) * 2
    assert all(isinstance(s, ipywidgets.FloatSlider) for s in sliders)
    np.testing.assert_allclose(demo.weights(), W)
    np.testing.assert_allclose(demo.bias(), B)


def test_weight_demo_shows_the_starting_output():
    """Before any move, the displayed outputs are x @ W + b."""
    demo = widgets.weight_slider_demo(W, B, X)
    for value in widgets.dense_output(X, W, B):
        assert f"<b>{_shown(value)}</b>" in demo.result.value


def test_moving_a_weight_slider_changes_the_output():
    """Moving w_11 changes y_1 by delta · x_1 on screen and leaves y_2 alone."""
    demo = widgets.weight_slider_demo(W, B, X)
    y_before = demo.output()
    shown_before = demo.result.value
    demo.weight_sliders[0][0].value = W[0][0] + 1.0
    y_after = demo.output()
    assert y_after[0] == pytest.approx(y_before[0] + 1.0 * X[0])
    assert y_after[1] == pytest.approx(y_before[1])
    assert demo.result.value != shown_before
    assert f"<b>{_shown(y_after[0])}</b>" in demo.result.value


def test_moving_a_bias_slider_shifts_only_its_output():
    """Moving b_2 shifts y_2 by the same amount on screen."""
    demo = widgets.weight_slider_demo(W, B, X)
    y_before = demo.output()
    demo.bias_sliders[1].value = B[1] + 2.0
    assert demo.output() == pytest.approx(y_before + np.array([0.0, 2.0]))
    assert f"<b>{_shown(y_before[1] + 2.0)}</b>" in demo.result.value


def test_weight_demo_rejects_mismatched_shapes():
    """Inputs or biases that do not fit the weight matrix raise ValueError."""
    with pytest.raises(ValueError):
        widgets.weight_slider_demo(W, B, [1.0, 2.0])
    with pytest.raises(ValueError):
        widgets.weight_slider_demo(W, [0.0], X)


def test_logit_slider_shows_logit_of_p():
    """The readout shows logit(p) of the slider's p, and moving the slider updates it."""
    widget = widgets.logit_slider(p=0.5, show_curve=False)
    assert widget.logit == 0
    assert "<b>0.00</b>" in widget.readout.value
    widget.slider.value = 0.9
    assert widget.logit == pytest.approx(np.log(9))
    assert f"<b>{_shown(np.log(9))}</b>" in widget.readout.value
    widget.slider.value = 0.1
    assert f"<b>{_shown(-np.log(9))}</b>" in widget.readout.value


def test_logit_slider_redraws_the_marked_curve():
    """The curve is a PNG that changes when p moves."""
    widget = widgets.logit_slider(p=0.3)
    first = bytes(widget.curve.value)
    assert first.startswith(b"\x89PNG")
    widget.slider.value = 0.95
    second = bytes(widget.curve.value)
    assert second.startswith(b"\x89PNG") and second != first


def test_logit_slider_stays_inside_the_open_interval():
    """The slider cannot reach p = 0 or 1, where the logit is infinite."""
    slider = widgets.logit_slider(show_curve=False).slider
    assert slider.min > 0 and slider.max < 1
    assert np.isfinite(plots.logit([slider.min, slider.max])).all()


def test_describe_logit_calls_one_half_undecided():
    """p near 0.5 reads as no confident prediction; p near 0 or 1 as confident in a class."""
    assert "50/50" in widgets.describe_logit(0.5)
    assert "class 1" in widgets.describe_logit(0.99)
    assert "class 0" in widgets.describe_logit(0.01)


QUESTION = ("What is logit(0.5)?", ["-1", "0", "0.5"], 1, "ln(0.5 / 0.5) = ln 1 = 0.")


def test_quiz_check_accepts_the_answer_by_index_or_text():
    """check() is correct for the answer given as index or as text, and wrong otherwise."""
    q = quiz.ask(*QUESTION)
    assert q.check(1).correct and q.check("0").correct
    assert not q.check(0).correct and not q.check("0.5").correct


def test_quiz_explains_only_the_right_answer():
    """The explanation appears with the correct answer, not with a wrong one."""
    q = quiz.ask(*QUESTION)
    assert "ln 1 = 0" in q.check(1).message
    assert "ln 1 = 0" not in q.check(2).message


def test_quiz_rejects_unknown_choices_and_answers():
    """A choice or answer that is not an option raises ValueError."""
    q = quiz.ask(*QUESTION)
    with pytest.raises(ValueError):
        q.check(3)
    with pytest.raises(ValueError):
        q.check("2")
    with pytest.raises(ValueError):
        quiz.ask("Q?", ["a", "b"], "c")


def test_quiz_widget_gives_feedback_on_click():
    """Pressing Check with a selected option writes matching feedback; with none, asks to pick."""
    q = quiz.ask(*QUESTION)
    assert isinstance(q.widget, ipywidgets.Box)
    q.button.click()
    assert "Pick an option" in q.feedback.value
    q.choices.value = "0.5"
    q.button.click()
    assert "Not quite" in q.feedback.value
    q.choices.value = "0"
    q.button.click()
    assert "Correct" in q.feedback.value


def test_quiz_displays_as_a_widget_with_a_text_fallback():
    """In a notebook the quiz renders as its widget; plain-text front ends get the question."""
    bundle = quiz.ask(*QUESTION)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("What is logit(0.5)?")
    assert "(b) 0" in bundle["text/plain"]
