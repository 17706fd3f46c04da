"""The catalogue of mistakes students make in `model_layers`, each with what to tell them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    """A named mistake: what went wrong and how to fix it."""

    id: str
    title: str
    fix: str

    def message(self, detail=""):
        """The text a student reads: the mistake's name, what was seen, and the fix."""
        seen = f" {detail}" if detail else ""
        return f"[{self.id}] {self.title}.{seen}\n  How to fix it: {self.fix}"


_CATALOGUE = [
    Mistake(
        "not-implemented",
        "model_layers still raises NotImplementedError",
        "replace `raise NotImplementedError()` with your code: "
        "`return tf.keras.layers.Dense(output_size, name='logits')(inputs)`.",
    ),
    Mistake(
        "tf1-layers-api",
        "This is the TensorFlow 1 API (`tf.layers.dense` / `tf.compat.v1.layers.dense`), "
        "which does not exist in TensorFlow 2 with Keras 3",
        "in TensorFlow 2 build the layer, then call it: "
        "`tf.keras.layers.Dense(output_size, name='logits')(inputs)`.",
    ),
    Mistake(
        "tf1-argument-order",
        "The tensor was passed as the number of units (TensorFlow 1's argument order)",
        "the first argument of `Dense` is the number of units; pass the tensor in the call: "
        "`Dense(output_size, name='logits')(inputs)`.",
    ),
    Mistake(
        "units-not-int",
        "The number of units is not a Python int (a float or a NumPy number)",
        "pass `output_size` itself, unchanged: `Dense(output_size, ...)`; Keras wants a "
        "positive Python int.",
    ),
    Mistake(
        "crash",
        "model_layers raised an error",
        "run the cell and your own call `model_layers(course.init_inputs(4), 3)` and read the "
        "error; the function must return `Dense(output_size, name='logits')(inputs)`.",
    ),
    Mistake(
        "returns-layer",
        "model_layers returns the Dense layer itself, not its output",
        "call the layer on `inputs` and return the result: `Dense(...)(inputs)`.",
    ),
    Mistake(
        "returns-container",
        "model_layers returns a container (a tuple, list, dict, Model or Sequential), "
        "not the logits tensor",
        "return only the logits tensor: `return Dense(output_size, name='logits')(inputs)`.",
    ),
    Mistake(
        "returns-inputs",
        "model_layers returns `inputs` unchanged: there is no Dense layer",
        "add the layer: `return tf.keras.layers.Dense(output_size, name='logits')(inputs)`.",
    ),
    Mistake(
        "not-symbolic",
        "model_layers returns something other than the symbolic tensor a Keras layer gives "
        "when called on `inputs`",
        "call a `tf.keras.layers.Dense` layer on the `inputs` argument and return its output.",
    ),
    Mistake(
        "new-input",
        "The output is not connected to the `inputs` argument (a new `tf.keras.Input` was "
        "made inside the function?)",
        "use the `inputs` argument you are given: `Dense(output_size, name='logits')(inputs)`.",
    ),
    Mistake(
        "reused-layer",
        "The same layer object is used for every call, so it breaks (or is shared) when "
        "model_layers is called again with other sizes",
        "create the layer inside `model_layers`, so each call builds a fresh one.",
    ),
    Mistake(
        "hard-coded-units",
        "The number of outputs is hard-coded instead of following `output_size`",
        "use `output_size` as the number of units: `Dense(output_size, ...)`.",
    ),
    Mistake(
        "wrong-shape",
        "The output does not have shape (None, output_size)",
        "return `Dense(output_size, name='logits')(inputs)`: one unit per output.",
    ),
    Mistake(
        "wrong-name",
        "The layer is not named exactly 'logits'",
        "name the layer exactly 'logits' (lower case): `Dense(output_size, name='logits')`; "
        "later chapters look it up by that name.",
    ),
    Mistake(
        "nonlinear-activation",
        "The Dense layer applies a non-linear activation",
        "logits are the raw linear scores: leave `activation` out (or use None / 'linear'); "
        "probabilities come in the next chapter.",
    ),
    Mistake(
        "activation-after",
        "An activation is applied after the Dense layer, so the result is not the logits",
        "return the Dense layer's output itself; sigmoid/softmax come in the next chapter.",
    ),
    Mistake(
        "no-bias",
        "The layer has no bias (`use_bias=False`)",
        "keep the bias neuron (the default `use_bias=True`): without it every output is 0 "
        "when the inputs are 0.",
    ),
    Mistake(
        "extra-layers",
        "There is more than one layer between `inputs` and the output",
        "use a single fully-connected layer: inputs -> logits.",
    ),
    Mistake(
        "modified-output",
        "The Dense layer's output is changed (scaled, shifted or transformed) before it is "
        "returned",
        "return the layer's output unchanged.",
    ),
]

MISTAKES = {m.id: m for m in _CATALOGUE}
