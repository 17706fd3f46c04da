"""The graded checks of `model_layers`: what each test cell asserts; the hidden-test entry point."""

import os
import random
from dataclasses import dataclass

from autograder.judge import FATAL, diagnose
from autograder.probe import hidden_plan, probe


@dataclass(frozen=True)
class Check:
    """One graded property of the answer; it fails if any of ``fails_on`` is diagnosed."""

    id: str
    title: str
    points: int
    fails_on: frozenset


CHECKS = {
    c.id: c
    for c in (
        Check(
            "returns_tensor",
            "returns the output tensor of a layer called on `inputs`",
            2,
            FATAL | {"reused-layer"},
        ),
        Check(
            "output_shape",
            "the output has shape (None, output_size) for any sizes",
            2,
            FATAL | {"reused-layer", "hard-coded-units", "wrong-shape"},
        ),
        Check(
            "layer_name",
            "the output comes from a layer named 'logits'",
            2,
            FATAL | {"wrong-name", "activation-after", "modified-output"},
        ),
        Check(
            "single_linear_dense",
            "one Dense layer, linear, with a bias",
            2,
            FATAL
            | {"nonlinear-activation", "activation-after", "no-bias", "extra-layers"}
            | {"modified-output"},
        ),
        Check(
            "output_values",
            "the output equals inputs @ kernel + bias of that layer",
            2,
            FATAL
            | {"nonlinear-activation", "activation-after", "extra-layers"}
            | {"modified-output"},
        ),
    )
}


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check on one answer."""

    check: str
    passed: bool
    mistakes: tuple
    message: str


def verdicts(diagnosis):
    """Each check's `Verdict` for a `judge.Diagnosis`."""
    result = {}
    for check in CHECKS.values():
        failed = [f for f in diagnosis.findings if diagnosis.fatal or f.mistake in check.fails_on]
        if failed:
            text = f"Check '{check.id}' ({check.title}) failed:\n" + "\n".join(
                f.message() for f in failed
            )
        else:
            text = f"Check '{check.id}' ({check.title}) passed."
        result[check.id] = Verdict(check.id, not failed, tuple(f.mistake for f in failed), text)
    return result


_CACHE = {}


def grade(model_layers, plan):
    """Probe and judge an answer in this process; return ``(facts, diagnosis, verdicts)``.

    The five test cells ask about the same function and plan: probe it once (building Keras
    models is the slow part) and judge every time, from the same plain facts.
    """
    facts = probe_once(model_layers, plan)
    diagnosis = diagnose(facts, plan)
    return facts, diagnosis, verdicts(diagnosis)


def probe_once(model_layers, plan, _probe=probe):
    """`probe.probe`, remembered for the last few (function, plan) pairs of this process.

    ``_probe`` is bound when this module is imported, so rebinding `autograder.checks.probe`
    later does not swap the probe. The grader's own verdict never reads this cache.
    """
    key = (id(model_layers), repr(plan))
    cached = _CACHE.get(key)
    if cached is not None and cached[0] is model_layers:
        return cached[1]
    facts = _probe(model_layers, plan)
    while len(_CACHE) >= 4:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = (model_layers, facts)
    return facts


_SESSION = {}


def session_seed():
    """This run's hidden-check seed: ``AUTOGRADER_SEED`` if set, else drawn once per process."""
    if "seed" not in _SESSION:
        fixed = os.environ.get("AUTOGRADER_SEED")
        _SESSION["seed"] = int(fixed) if fixed else random.SystemRandom().randrange(2**31)
    return _SESSION["seed"]


def hidden_check(check_id, model_layers):
    """Run the hidden checks on random sizes and return the `Verdict` of ``check_id``.

    A test cell asserts ``verdict.passed`` with ``verdict.message``; the seed and the sizes are
    printed so any run can be reproduced with ``AUTOGRADER_SEED``.
    """
    seed = session_seed()
    plan = hidden_plan(seed)
    sizes = ", ".join(f"{s['input_size']}->{s['output_size']}" for s in plan)
    print(f"hidden checks: seed {seed}, sizes (input_size->output_size) {sizes}")
    _, _, result = grade(model_layers, plan)
    return result[check_id]
