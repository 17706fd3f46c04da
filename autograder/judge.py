"""Decide, from a probe's plain facts, which catalogued mistakes a `model_layers` answer makes.

Pure Python on plain data: nothing here trusts an object the student's code could have touched.
"""

from dataclasses import dataclass, field

from autograder.mistakes import MISTAKES

# Mistakes after which nothing else can be checked: every check fails.
FATAL = frozenset(
    {
        "not-implemented",
        "tf1-layers-api",
        "tf1-argument-order",
        "units-not-int",
        "crash",
        "returns-layer",
        "returns-container",
        "returns-inputs",
        "not-symbolic",
        "new-input",
    }
)
_LOW_PRECISION = ("float16", "bfloat16")


@dataclass(frozen=True)
class Finding:
    """One diagnosed mistake, with what was seen."""

    mistake: str
    detail: str = ""

    def message(self):
        return MISTAKES[self.mistake].message(self.detail)


@dataclass
class Diagnosis:
    """All findings for one answer, in the order they were found."""

    findings: list = field(default_factory=list)
    # True when the answer could not be examined at all: then every check fails.
    fatal: bool = False

    def add(self, mistake, detail=""):
        if mistake not in self.ids:
            self.findings.append(Finding(mistake, detail))

    @property
    def ids(self):
        return [f.mistake for f in self.findings]


def _sizes(call):
    return f"(input_size={call['input_size']}, output_size={call['output_size']})"


def _classify_error(call):
    error = call["error"]
    kind, text = error["type"], error["message"]
    seen = f"With {_sizes(call)} it raised {kind}: {text}"
    if kind == "NotImplementedError":
        return "not-implemented", ""
    if kind == "AttributeError" and (
        "attribute 'layers'" in text or "not available with Keras 3" in text
    ):
        return "tf1-layers-api", seen
    if "invalid value for `units`" in text:
        if "KerasTensor" in text or "Tensor" in text.split("Received:")[-1]:
            return "tf1-argument-order", seen
        return "units-not-int", seen
    if "incompatible with the layer" in text:
        # A layer built inside the function adapts to any input; a layer built once, outside,
        # keeps the input size of its first call and rejects the next.
        return "reused-layer", seen
    return "crash", seen


def _affine(x, kernel, bias):
    rows = []
    for row in x:
        out = []
        for j in range(len(kernel[0])):
            total = 0.0
            for i, value in enumerate(row):
                total += value * kernel[i][j]
            out.append(total + (bias[j] if bias else 0.0))
        rows.append(out)
    return rows


def _close(got, want, tolerance):
    if len(got) != len(want):
        return False
    for got_row, want_row in zip(got, want, strict=True):
        if len(got_row) != len(want_row):
            return False
        for a, b in zip(got_row, want_row, strict=True):
            if not abs(a - b) <= tolerance * (1.0 + abs(b)):
                return False
    return True


def _matches_affine(call, x):
    weights = call.get("weights")
    if not weights or not weights["kernel"] or len(weights["kernel"]) != len(x[0]):
        return False
    target = call["ops"][weights["index"]]
    tolerance = 5e-2 if target.get("dtype") in _LOW_PRECISION else 1e-4
    want = _affine(x, weights["kernel"], weights["bias"])
    return _close(call.get("outputs", []), want, tolerance)


def _structure(call, x, diagnosis):
    before = len(diagnosis.findings)
    ops = call["ops"]
    terminal = ops[call["terminal"]] if call["terminal"] is not None else None
    dense = [op for op in ops if op["dense"]]
    if not dense:
        diagnosis.add("returns-inputs", "The graph from inputs to output has no Dense layer.")
        return
    target = ops[call["weights"]["index"]]
    others = [op for op in ops if op is not target and op is not terminal]
    if terminal is not None and not terminal["dense"]:
        what = f"the returned tensor comes from {terminal['class']} '{terminal['name']}'"
        if terminal["activation_like"]:
            diagnosis.add("activation-after", f"After the Dense layer, {what}.")
        else:
            diagnosis.add("modified-output", f"After the Dense layer, {what}.")
    if others or len(dense) > 1:
        names = ", ".join(f"{op['class']} '{op['name']}'" for op in ops)
        diagnosis.add("extra-layers", f"Layers found: {names}.")
    # A Keras activation other than linear is a mistake whatever the values; a custom callable
    # is judged by the values (an identity function is still a linear layer).
    nonlinear = target.get("known_nonlinear") or not _matches_affine(call, x)
    if target["activation"] != "linear" and nonlinear:
        diagnosis.add("nonlinear-activation", f"It uses activation '{target['activation']}'.")
    if not target["use_bias"]:
        diagnosis.add("no-bias")
    if terminal is not None and terminal["dense"] and terminal["name"] != "logits":
        diagnosis.add("wrong-name", f"It is named '{terminal['name']}'.")
    if len(diagnosis.findings) == before and not _matches_affine(call, x):
        diagnosis.add("modified-output", "The returned values differ from inputs @ kernel + bias.")


def diagnose(facts, plan):
    """Return the `Diagnosis` of an answer from its probe facts and the plan that produced them."""
    diagnosis = Diagnosis()
    calls = facts["calls"]
    for index, call in enumerate(calls):
        if call["error"] is not None:
            mistake, detail = _classify_error(call)
            diagnosis.add(mistake, detail)
            if index == 0 or mistake != "reused-layer":
                diagnosis.fatal = True
                return diagnosis
            continue
        kind = call["kind"]
        if kind == "layer":
            diagnosis.add("returns-layer", f"It returned a {call['type']}.")
        elif kind == "container":
            diagnosis.add("returns-container", f"It returned a {call['type']}.")
        elif kind == "inputs":
            diagnosis.add("returns-inputs")
        elif kind != "keras_tensor":
            diagnosis.add("not-symbolic", f"It returned a {call['type']}.")
        elif not call["connected"]:
            diagnosis.add("new-input", call.get("connect_error", ""))
        if diagnosis.ids:
            diagnosis.fatal = True
            return diagnosis
    if facts.get("shared_layers"):
        diagnosis.add("reused-layer", "Two calls returned outputs of the same layer object.")
    good = [c for c in calls if c["error"] is None]
    widths = {c["shape"][-1] if c["shape"] else None for c in good}
    wrong = [c for c in good if c["shape"] != [None, c["output_size"]]]
    if wrong:
        shapes = "; ".join(f"{_sizes(c)} gave shape {tuple(c['shape'])}" for c in wrong)
        if len(widths) == 1 and len(good) > 1:
            diagnosis.add("hard-coded-units", shapes + ".")
        else:
            diagnosis.add("wrong-shape", shapes + ".")
    steps = {(s["input_size"], s["output_size"]): s["x"] for s in plan}
    for call in good:
        before = len(diagnosis.findings)
        _structure(call, steps[(call["input_size"], call["output_size"])], diagnosis)
        if len(diagnosis.findings) > before:
            break
    return diagnosis
