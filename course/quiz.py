"""Multiple-choice self-check questions: an ipywidgets form, and a plain ``check`` for scripts."""

import html
from typing import NamedTuple

import ipywidgets as widgets


class Feedback(NamedTuple):
    """The verdict on one answer: whether it is right, and what to tell the student."""

    correct: bool
    message: str


class Quiz:
    """One multiple-choice question; display it in a notebook, or call :meth:`check` directly.

    ``widget`` holds the RadioButtons ``choices``, the Check ``button`` and the ``feedback`` line.
    """

    def __init__(self, question, options, answer, explanation=""):
        self.question = question
        self.options = list(options)
        if len(self.options) < 2:
            raise ValueError("a multiple-choice question needs at least two options")
        self.answer = self._index(answer)
        self.explanation = explanation
        self.choices = widgets.RadioButtons(
            options=self.options, value=None, layout=widgets.Layout(width="max-content")
        )
        self.button = widgets.Button(description="Check", button_style="primary", icon="check")
        self.feedback = widgets.HTML()
        self.button.on_click(self.on_check)
        title = widgets.HTML(f"<b>{html.escape(question)}</b>")
        self.widget = widgets.VBox([title, self.choices, self.button, self.feedback])

    def _index(self, choice):
        """Return the option index for an index or the option's text."""
        if isinstance(choice, int) and not isinstance(choice, bool):
            if 0 <= choice < len(self.options):
                return choice
            raise ValueError(f"choice {choice} is not an option index 0..{len(self.options) - 1}")
        if choice in self.options:
            return self.options.index(choice)
        raise ValueError(f"{choice!r} is not one of the options")

    def check(self, choice):
        """Return ``Feedback`` for a choice given as an option index or the option's text."""
        if self._index(choice) == self.answer:
            return Feedback(True, f"Correct! {self.explanation}".strip())
        return Feedback(False, "Not quite. Think it over and try another option.")

    def as_text(self):
        """Return the question and lettered options as plain text."""
        letters = "abcdefghijklmnopqrstuvwxyz"
        lines = [self.question] + [f"  ({letters[i]}) {o}" for i, o in enumerate(self.options)]
        return "\n".join(lines)

    def on_check(self, _button=None):
        """Show feedback for the selected option (the Check button's click handler)."""
        if self.choices.index is None:
            self.feedback.value = "<i>Pick an option first.</i>"
            return None
        result = self.check(self.choices.index)
        color = "#2e7d32" if result.correct else "#c62828"
        mark = "✔" if result.correct else "✘"
        self.feedback.value = (
            f'<span style="color:{color}">{mark} {html.escape(result.message)}</span>'
        )
        return result

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.as_text()
        return bundle


def ask(question, options, answer, explanation=""):
    """Return a :class:`Quiz`; as a cell's last line it shows as a question with a Check button.

    ``answer`` is the correct option's index or text; ``explanation`` is shown once it is found.
    """
    return Quiz(question, options, answer, explanation)
