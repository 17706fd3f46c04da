"""The Logits chapter's helper package: plots, diagrams, widgets, data and the student's self-check."""

import os

# TensorFlow reads this once, at import: set it before any notebook cell imports TensorFlow.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from course._inputs import init_inputs  # noqa: E402
from course.selfcheck import check_model_layers  # noqa: E402

__all__ = [
    "check_model_layers",
    "data",
    "diagrams",
    "init_inputs",
    "plots",
    "quiz",
    "widgets",
]
