"""The checks of `model_layers`: every correct form passes, every catalogued mistake is named."""

import random

import numpy as np
import pytest
from conftest import answer_function

from autograder.checks import CHECKS, grade, hidden_check
from autograder.judge import FATAL
from autograder.mistakes import MISTAKES
from autograder.probe import PUBLIC_SIZES, hidden_plan, hidden_sizes, make_plan, public_plan
from autograder.samples import ANSWERS, CORRECT, MISTAKEN

FULL = sum(c.points for c in CHECKS.values())
SEED = random.SystemRandom().randrange(2**31)


def score(verdicts):
    return sum(CHECKS[v.check].points for v in verdicts.values() if v.passed)


@pytest.mark.parametrize("plan_name", ["public", "hidden"])
@pytest.mark.parametrize("answer", CORRECT, ids=lambda a: a.slug)
def test_correct_forms_get_full_marks(answer, plan_name, tf):
    """Every reasonable correct answer passes every check, on public and random hidden sizes."""
    plan = public_plan() if plan_name == "public" else hidden_plan(SEED)
    _, diagnosis, verdicts = grade(answer_function(answer, tf), plan)
    assert diagnosis.ids == [], f"seed {SEED}: {diagnosis.ids}"
    assert score(verdicts) == FULL


@pytest.mark.parametrize("plan_name", ["public", "hidden"])
@pytest.mark.parametrize("answer", MISTAKEN, ids=lambda a: a.slug)
def test_mistakes_are_named_and_cost_points(answer, plan_name, tf):
    """Each catalogued mistake loses points and the failing checks name it with its fix."""
    plan = public_plan() if plan_name == "public" else hidden_plan(SEED)
    _, diagnosis, verdicts = grade(answer_function(answer, tf), plan)
    if answer.hidden_only and plan_name == "public":
        assert score(verdicts) == FULL, "written to pass the public checks"
        return
    assert answer.mistake in diagnosis.ids, f"seed {SEED}: {diagnosis.ids}"
    assert score(verdicts) < FULL
    failed = [v for v in verdicts.values() if not v.passed]
    assert any(f"[{answer.mistake}]" in v.message for v in failed)
    assert any(MISTAKES[answer.mistake].fix in v.message for v in failed)


def test_partial_credit_follows_the_mistake(tf):
    """A wrong name costs only the name check; a fatal error costs every check."""
    by_slug = {a.slug: a for a in ANSWERS}
    _, _, name_only = grade(answer_function(by_slug["no-name"], tf), public_plan())
    assert [v.check for v in name_only.values() if not v.passed] == ["layer_name"]
    _, _, fatal = grade(answer_function(by_slug["tf1-layers-dense"], tf), public_plan())
    assert score(fatal) == 0


def test_every_catalogued_mistake_has_an_answer_and_fails_a_check():
    """The answer catalogue covers the mistake catalogue, and each mistake can cost points."""
    exercised = {a.mistake for a in MISTAKEN}
    uncovered = set(MISTAKES) - exercised - {"crash"}
    assert not uncovered
    for mistake in MISTAKES:
        assert any(mistake in c.fails_on for c in CHECKS.values()), mistake
    assert set(MISTAKES) >= FATAL


@pytest.mark.parametrize("seed", [0, 1, 2, 12345, SEED], ids=["0", "1", "2", "12345", "random"])
def test_hidden_sizes_cannot_be_hard_coded(seed):
    """Hidden sizes are reproducible from the seed and avoid the public sizes and 1."""
    sizes = hidden_sizes(seed)
    assert sizes == hidden_sizes(seed)
    outputs = [k for _, k in sizes]
    assert len(set(outputs)) == len(outputs) >= 3
    assert not set(outputs) & ({1} | {k for _, k in PUBLIC_SIZES})
    assert hidden_plan(seed) == hidden_plan(seed)


def test_hidden_seeds_vary_the_sizes():
    """Different seeds give different sizes, so one run's sizes do not predict the next."""
    assert len({tuple(hidden_sizes(seed)) for seed in range(20)}) > 10


def test_plan_inputs_are_plain_data():
    """The probe plan is JSON-like: lists of Python floats, as a grader outside the kernel needs."""
    plan = make_plan([(3, 2)], seed=7)
    assert plan[0]["input_size"] == 3 and len(plan[0]["x"][0]) == 3
    assert all(type(v) is float for row in plan[0]["x"] for v in row)


def _inverting_asarray(real):
    """An `np.asarray` that turns a sigmoid's outputs back into logits (and so looks linear)."""

    def asarray(a, *args, **kwargs):
        value = real(a, *args, **kwargs)
        if type(a).__name__ == "EagerTensor":
            return np.log(value) - np.log1p(-value)
        return value

    return asarray


def test_rebinding_numpy_and_activation_names_cannot_pass_a_sigmoid(tf, monkeypatch):
    """A sigmoid layer with NumPy's conversion and the sigmoid's name forged still fails."""
    import keras

    monkeypatch.setattr(np, "asarray", _inverting_asarray(np.asarray))
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    monkeypatch.setattr(np.testing, "assert_allclose", lambda *a, **k: None)
    monkeypatch.setattr(keras.activations.sigmoid, "__name__", "linear")
    sigmoid = next(a for a in MISTAKEN if a.slug == "sigmoid-activation")
    _, diagnosis, verdicts = grade(answer_function(sigmoid, tf), hidden_plan(SEED))
    assert "nonlinear-activation" in diagnosis.ids
    assert not verdicts["single_linear_dense"].passed
    assert not verdicts["output_values"].passed


def test_swapping_the_probe_cannot_pass_a_sigmoid(tf, monkeypatch):
    """Rebinding the probe the checks use (to probe a correct function instead) changes nothing."""
    import autograder.checks as checks
    import autograder.probe as probe_module

    correct = answer_function(CORRECT[0], tf)
    real = probe_module.probe
    monkeypatch.setattr(checks, "probe", lambda f, plan: real(correct, plan))
    monkeypatch.setattr(probe_module, "probe", lambda f, plan: real(correct, plan))
    sigmoid = next(a for a in MISTAKEN if a.slug == "sigmoid-activation")
    _, diagnosis, _ = grade(answer_function(sigmoid, tf), public_plan())
    assert "nonlinear-activation" in diagnosis.ids


def test_a_custom_identity_activation_is_still_linear(tf):
    """An activation callable that returns its input unchanged gives logits: full marks."""

    def model_layers(inputs, output_size):
        return tf.keras.layers.Dense(output_size, activation=lambda v: v, name="logits")(inputs)

    _, diagnosis, verdicts = grade(model_layers, hidden_plan(SEED))
    assert diagnosis.ids == [] and score(verdicts) == FULL


def test_student_output_is_captured_not_leaked(tf, capfd):
    """Debug prints and warnings inside the answer are captured, so no stderr reaches the cell."""
    debug = next(a for a in CORRECT if a.slug == "debug-prints-and-warnings")
    facts, _, _ = grade(answer_function(debug, tf), public_plan())
    out, err = capfd.readouterr()
    assert err == ""
    assert "debug: output_size" in facts["captured_output"]
    assert "just checking" in facts["captured_output"]


def test_hidden_check_reports_its_seed(tf, capsys, monkeypatch):
    """The hidden check prints the seed and sizes; AUTOGRADER_SEED reproduces a run."""
    import autograder.checks as checks

    monkeypatch.setattr(checks, "_SESSION", {})
    monkeypatch.setenv("AUTOGRADER_SEED", "4242")
    solution = answer_function(CORRECT[0], tf)
    verdict = hidden_check("output_shape", solution)
    assert verdict.passed
    printed = capsys.readouterr().out
    sizes = ", ".join(f"{n}->{k}" for n, k in hidden_sizes(4242))
    assert "seed 4242" in printed and sizes in printed


def test_unknown_error_is_reported_as_a_crash(tf):
    """An error outside the catalogue is a crash whose message quotes the error."""

    def model_layers(inputs, output_size):
        raise KeyError("oops")

    _, diagnosis, verdicts = grade(model_layers, public_plan())
    assert diagnosis.ids == ["crash"]
    assert "KeyError" in verdicts["returns_tensor"].message


def test_layer_built_before_the_checks_is_named_as_reused(tf):
    """A module-level layer already built on another input size fails every check as reused."""
    shared = tf.keras.layers.Dense(3, name="logits")
    shared(tf.keras.Input(shape=(11,)))

    def model_layers(inputs, output_size):
        return shared(inputs)

    _, diagnosis, verdicts = grade(model_layers, public_plan())
    assert diagnosis.ids == ["reused-layer"]
    assert score(verdicts) == 0


def test_a_correct_answer_is_never_taken_for_a_reused_layer(tf):
    """Layers freed between calls can share an id; the probe must not call that one layer."""
    import gc

    from autograder.probe import probe

    def model_layers(inputs, output_size):
        gc.collect()  # frees the previous call's layers now, so their addresses are reused
        return tf.keras.layers.Dense(output_size, name="logits")(inputs)

    shared = [seed for seed in range(20) if probe(model_layers, hidden_plan(seed))["shared_layers"]]
    assert shared == []
