"""The Logits chapter's autograder: hidden checks, catalogue of mistakes, release, grading."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from autograder.checks import CHECKS, hidden_check  # noqa: E402
from autograder.mistakes import MISTAKES, Mistake  # noqa: E402

__all__ = ["CHECKS", "MISTAKES", "Mistake", "hidden_check"]
