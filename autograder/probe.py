"""Run a student's `model_layers` on grader-chosen sizes and record what it built, as plain data.

The facts returned here are JSON-serialisable (lists, numbers, strings) so they can cross a
process boundary; `autograder.judge` decides the verdict from them.
"""

import contextlib
import io
import os
import random
import sys
import tempfile
import warnings
from types import SimpleNamespace

PUBLIC_SIZES = ((3, 2), (5, 4))
_ROWS = 4
_MAX_CAPTURE = 2000
_ACTIVATION_OPS = {
    "activation",
    "elu",
    "exp",
    "gelu",
    "hardsigmoid",
    "leakyrelu",
    "logsoftmax",
    "prelu",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "softsign",
    "tanh",
}


_TRUSTED = {}


def trust():
    """Take the references the probe relies on, once, before any student code can rebind them.

    The grader's worker calls this when it starts and `course` when a notebook imports
    TensorFlow, so an answer that later rebinds `np.asarray`, `keras.Model`,
    `Layer.get_weights` or an activation's `__name__` changes nothing the probe uses.
    """
    if not _TRUSTED:
        import keras
        import numpy as np

        nonlinear = tuple(
            (fn, name)
            for name, fn in sorted(vars(keras.activations).items())
            if callable(fn)
            and not isinstance(fn, type)
            and not name.startswith("_")
            and name not in {"linear", "get", "serialize", "deserialize"}
        )
        _TRUSTED["t"] = SimpleNamespace(
            asarray=np.asarray,
            Model=keras.Model,
            Input=keras.Input,
            Layer=keras.layers.Layer,
            Dense=keras.layers.Dense,
            InputLayer=keras.layers.InputLayer,
            KerasTensor=keras.KerasTensor,
            get_weights=keras.layers.Layer.get_weights,
            linear=keras.activations.linear,
            nonlinear=nonlinear,
        )
    return _TRUSTED["t"]


def make_plan(sizes, seed):
    """The grader's probe plan: for each (input_size, output_size), a batch of inputs to feed."""
    rng = random.Random(seed)
    plan = []
    for n, k in sizes:
        x = [[round(rng.uniform(-2.0, 2.0), 3) for _ in range(n)] for _ in range(_ROWS)]
        plan.append({"input_size": int(n), "output_size": int(k), "x": x})
    return plan


def hidden_sizes(seed, count=3):
    """Random (input_size, output_size) pairs for the hidden checks, drawn from ``seed``.

    Output sizes are distinct and never 1 or a public size's, so a hard-coded answer cannot pass.
    """
    rng = random.Random(seed)
    outputs = rng.sample([k for k in range(2, 10) if k not in {k for _, k in PUBLIC_SIZES}], count)
    inputs = rng.sample(range(2, 13), count)
    return list(zip(inputs, outputs, strict=True))


def public_plan():
    """The fixed plan of the public checks students run themselves."""
    return make_plan(PUBLIC_SIZES, seed=0)


def hidden_plan(seed):
    """The plan of the hidden checks for ``seed``."""
    return make_plan(hidden_sizes(seed), seed)


@contextlib.contextmanager
def _captured(sink):
    """Collect everything the student's code prints (Python and file-descriptor level) and warns."""
    buffer = io.StringIO()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    with tempfile.TemporaryFile() as tmp, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saved = []
        try:
            for fd in (1, 2):
                saved.append((fd, os.dup(fd)))
                os.dup2(tmp.fileno(), fd)
        except OSError:
            pass
        try:
            with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
                yield
        finally:
            for fd, copy in saved:
                os.dup2(copy, fd)
                os.close(copy)
            tmp.seek(0)
            text = buffer.getvalue() + tmp.read().decode("utf-8", errors="replace")
            text += "".join(f"{w.category.__name__}: {w.message}\n" for w in caught)
            sink.append(text)


def _kind(result, inputs):
    t = trust()
    if isinstance(result, t.Model):
        return "container"
    if isinstance(result, t.Layer):
        return "layer"
    if isinstance(result, (tuple, list, dict)):
        return "container"
    if isinstance(result, t.KerasTensor):
        return "inputs" if result is inputs else "keras_tensor"
    return "other"


def _activation(fn):
    """The activation's name, known by identity (a renamed sigmoid is still the sigmoid)."""
    t = trust()
    if fn is t.linear:
        return "linear", False
    for known, name in t.nonlinear:
        if fn is known:
            return name, True
    return str(getattr(fn, "__name__", repr(fn)))[:100], False


def _describe(op):
    facts = {"class": type(op).__name__, "name": str(getattr(op, "name", ""))}
    facts["activation_like"] = facts["class"].lower() in _ACTIVATION_OPS
    if isinstance(op, trust().Dense):
        name, known_nonlinear = _activation(getattr(op, "activation", None))
        facts.update(
            dense=True,
            units=int(op.units),
            activation=name,
            known_nonlinear=known_nonlinear,
            use_bias=bool(op.use_bias),
            dtype=str(op.dtype),
        )
    else:
        facts["dense"] = False
    return facts


def _probe_call(model_layers, step, captured):
    t = trust()
    n, k = step["input_size"], step["output_size"]
    call = {"input_size": n, "output_size": k, "error": None}
    inputs = t.Input(shape=(n,), name="inputs")
    try:
        with _captured(captured):
            result = model_layers(inputs, k)
    except Exception as error:  # the student's error is the finding, not a grader failure
        call["error"] = {"type": type(error).__name__, "message": str(error)[:500]}
        return call, None
    call["kind"] = _kind(result, inputs)
    call["type"] = type(result).__name__
    if call["kind"] != "keras_tensor":
        return call, None
    call["shape"] = [None if d is None else int(d) for d in result.shape]
    try:
        with _captured(captured):
            model = t.Model(inputs, result)
    except Exception as error:
        call["connected"] = False
        call["connect_error"] = str(error)[:300]
        return call, None
    call["connected"] = True
    ops = [op for op in model.operations if not isinstance(op, t.InputLayer)]
    terminal = result._keras_history[0]
    call["ops"] = [_describe(op) for op in ops]
    call["terminal"] = ops.index(terminal) if terminal in ops else None
    dense = [op for op in ops if isinstance(op, t.Dense)]
    target = None
    if isinstance(terminal, t.Dense):
        target = terminal
    elif dense:
        named = [op for op in dense if op.name == "logits"]
        target = (named or dense)[-1]
    if target is not None:
        weights = t.get_weights(target)
        call["weights"] = {
            "index": ops.index(target),
            "kernel": t.asarray(weights[0], dtype="float64").tolist(),
            "bias": t.asarray(weights[1], dtype="float64").tolist() if len(weights) > 1 else None,
        }
    with _captured(captured):
        outputs = model(t.asarray(step["x"], dtype="float32"), training=False)
    call["outputs"] = t.asarray(outputs, dtype="float64").tolist()
    return call, ops


def probe(model_layers, plan):
    """Call ``model_layers`` once per plan step on a fresh ``keras.Input``; return plain facts."""
    captured = []
    # Every call's layers stay alive until all are compared: an id is unique only among
    # live objects, and a freed layer's id is often reused by the next call's new layer.
    calls, built = [], []
    for step in plan:
        call, ops = _probe_call(model_layers, step, captured)
        calls.append(call)
        built.append(ops)
    seen = [{id(op) for op in ops} for ops in built if ops]
    shared = any(a & b for i, a in enumerate(seen) for b in seen[i + 1 :])
    output = "".join(captured)
    return {
        "calls": calls,
        "shared_layers": shared,
        "captured_output": output[:_MAX_CAPTURE],
    }
