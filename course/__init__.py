"""The Logits chapter's helper package: plots, diagrams, widgets, data, the student's self-check."""

import os

# TensorFlow reads this once, at import: set it before any notebook cell imports TensorFlow.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from course._inputs import init_inputs  # noqa: E402
from course.selfcheck import check_model_layers  # noqa: E402

_SUBMODULES = {"data", "diagrams", "plots", "quiz", "widgets"}


def __getattr__(name):
    # `from course import tf` gives TensorFlow, imported quietly and only when asked for;
    # `course.plots` and the other submodules are imported on first use.
    if name == "tf":
        from course._tf import import_tensorflow

        return import_tensorflow()
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"course.{name}")
    raise AttributeError(f"module 'course' has no attribute {name!r}")


__all__ = [
    "check_model_layers",
    "data",
    "diagrams",
    "init_inputs",
    "plots",
    "quiz",
    "tf",
    "widgets",
]
