"""The answer catalogue: correct forms and mistakes of `model_layers`, as students write them.

Each `Answer` is the source of the answer cell and the outcome it must get: ``mistake=None`` for
full marks, else the id of the mistake the checks must name. The sample class, the demo and the
grading tests are built from this list.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    slug: str
    code: str
    mistake: str | None = None
    # True for an answer written to pass the public checks: only the hidden checks catch it.
    hidden_only: bool = False


def _fn(body, prelude=""):
    head = f"{prelude}\n" if prelude else ""
    return f"{head}def model_layers(inputs, output_size):\n{body}\n"


CORRECT = [
    Answer("solution", _fn("    return tf.keras.layers.Dense(output_size, name='logits')(inputs)")),
    Answer(
        "units-keyword",
        _fn("    return tf.keras.layers.Dense(units=output_size, name='logits')(inputs)"),
    ),
    Answer(
        "activation-none",
        _fn(
            "    layer = tf.keras.layers.Dense(output_size, activation=None, name='logits')\n"
            "    return layer(inputs)"
        ),
    ),
    Answer(
        "activation-linear",
        _fn(
            "    return tf.keras.layers.Dense(output_size, activation='linear', "
            "name='logits')(inputs)"
        ),
    ),
    Answer(
        "keras-import",
        _fn(
            "    return keras.layers.Dense(output_size, name='logits')(inputs)",
            prelude="import keras",
        ),
    ),
    Answer(
        "from-import-dense",
        _fn(
            "    return Dense(output_size, name='logits')(inputs)",
            prelude="from tensorflow.keras.layers import Dense",
        ),
    ),
    Answer(
        "other-initializer-dtype",
        _fn(
            "    layer = tf.keras.layers.Dense(\n"
            "        output_size, name='logits', kernel_initializer='he_normal',\n"
            "        bias_initializer='ones', dtype='float64')\n"
            "    return layer(inputs)"
        ),
    ),
    Answer(
        "debug-prints-and-warnings",
        _fn(
            "    print('building logits for', inputs.shape, output_size)\n"
            "    print('debug: output_size =', output_size, file=sys.stderr)\n"
            "    warnings.warn('just checking')\n"
            "    logits = tf.keras.layers.Dense(output_size, name='logits')(inputs)\n"
            "    print('logits:', logits.shape, file=sys.stderr)\n"
            "    return logits",
            prelude="import sys\nimport warnings",
        ),
    ),
]

MISTAKEN = [
    Answer(
        "sigmoid-activation",
        _fn(
            "    return tf.keras.layers.Dense(output_size, activation='sigmoid', "
            "name='logits')(inputs)"
        ),
        "nonlinear-activation",
    ),
    Answer(
        "relu-activation",
        _fn(
            "    return tf.keras.layers.Dense(output_size, activation='relu', "
            "name='logits')(inputs)"
        ),
        "nonlinear-activation",
    ),
    Answer(
        "softmax-activation",
        _fn(
            "    return tf.keras.layers.Dense(output_size, activation='softmax', "
            "name='logits')(inputs)"
        ),
        "nonlinear-activation",
    ),
    Answer(
        "sigmoid-layer-after",
        _fn(
            "    logits = tf.keras.layers.Dense(output_size, name='logits')(inputs)\n"
            "    return tf.keras.layers.Activation('sigmoid')(logits)"
        ),
        "activation-after",
    ),
    Answer(
        "no-bias",
        _fn("    return tf.keras.layers.Dense(output_size, use_bias=False, name='logits')(inputs)"),
        "no-bias",
    ),
    Answer("no-name", _fn("    return tf.keras.layers.Dense(output_size)(inputs)"), "wrong-name"),
    Answer(
        "name-logit",
        _fn("    return tf.keras.layers.Dense(output_size, name='logit')(inputs)"),
        "wrong-name",
    ),
    Answer(
        "name-capitalised",
        _fn("    return tf.keras.layers.Dense(output_size, name='Logits')(inputs)"),
        "wrong-name",
    ),
    Answer(
        "hard-coded-units",
        _fn("    return tf.keras.layers.Dense(3, name='logits')(inputs)"),
        "hard-coded-units",
    ),
    Answer(
        "fits-the-public-sizes",
        _fn(
            "    units = output_size if output_size in (2, 4) else 4\n"
            "    return tf.keras.layers.Dense(units, name='logits')(inputs)"
        ),
        "hard-coded-units",
        hidden_only=True,
    ),
    Answer(
        "returns-layer",
        _fn("    return tf.keras.layers.Dense(output_size, name='logits')"),
        "returns-layer",
    ),
    Answer(
        "tf1-layers-dense",
        _fn("    return tf.layers.dense(inputs, output_size, name='logits')"),
        "tf1-layers-api",
    ),
    Answer(
        "tf1-argument-order",
        _fn("    return tf.keras.layers.Dense(inputs, output_size, name='logits')"),
        "tf1-argument-order",
    ),
    Answer(
        "extra-hidden-layer",
        _fn(
            "    hidden = tf.keras.layers.Dense(16, activation='relu')(inputs)\n"
            "    return tf.keras.layers.Dense(output_size, name='logits')(hidden)"
        ),
        "extra-layers",
    ),
    Answer(
        "scaled-output",
        _fn("    return tf.keras.layers.Dense(output_size, name='logits')(inputs) * 2"),
        "modified-output",
    ),
    Answer(
        "returns-tuple",
        _fn(
            "    layer = tf.keras.layers.Dense(output_size, name='logits')\n"
            "    return layer(inputs), layer"
        ),
        "returns-container",
    ),
    Answer(
        "returns-model",
        _fn(
            "    logits = tf.keras.layers.Dense(output_size, name='logits')(inputs)\n"
            "    return tf.keras.Model(inputs, logits)"
        ),
        "returns-container",
    ),
    Answer("returns-inputs", _fn("    return inputs"), "returns-inputs"),
    Answer(
        "layer-outside-function",
        _fn(
            "    return LOGITS(inputs)",
            prelude="LOGITS = tf.keras.layers.Dense(3, name='logits')",
        ),
        "reused-layer",
    ),
    Answer(
        "new-input-inside",
        _fn(
            "    fresh = tf.keras.Input(shape=(inputs.shape[-1],))\n"
            "    return tf.keras.layers.Dense(output_size, name='logits')(fresh)"
        ),
        "new-input",
    ),
    Answer(
        "float-units",
        _fn("    return tf.keras.layers.Dense(float(output_size), name='logits')(inputs)"),
        "units-not-int",
    ),
    Answer(
        "numpy-units",
        _fn(
            "    return tf.keras.layers.Dense(np.int64(output_size), name='logits')(inputs)",
            prelude="import numpy as np",
        ),
        "units-not-int",
    ),
    Answer(
        "tf1-compat-layers-dense",
        _fn("    return tf.compat.v1.layers.dense(inputs, output_size, name='logits')"),
        "tf1-layers-api",
    ),
    Answer(
        "returns-sequential",
        _fn("    return tf.keras.Sequential([tf.keras.layers.Dense(output_size, name='logits')])"),
        "returns-container",
    ),
    Answer(
        "sigmoid-function-after",
        _fn(
            "    logits = tf.keras.layers.Dense(output_size, name='logits')(inputs)\n"
            "    return tf.keras.activations.sigmoid(logits)"
        ),
        "activation-after",
    ),
    Answer(
        "shifted-output",
        _fn("    return tf.keras.layers.Dense(output_size, name='logits')(inputs) + 1.0"),
        "modified-output",
    ),
    Answer(
        "one-unit-too-many",
        _fn("    return tf.keras.layers.Dense(output_size + 1, name='logits')(inputs)"),
        "wrong-shape",
    ),
    Answer(
        "returns-concrete-tensor",
        _fn("    return tf.zeros((1, output_size))"),
        "not-symbolic",
    ),
    Answer(
        "not-implemented",
        _fn("    # YOUR CODE HERE\n    raise NotImplementedError()"),
        "not-implemented",
    ),
]

ANSWERS = CORRECT + MISTAKEN

# Submissions that stop the run itself: graded 0 with the reason the sandbox gives.
DISRUPTIVE = [
    Answer("runs-forever", "while True:\n    pass", "timeout"),
    Answer(
        "exits-the-interpreter",
        _fn("    return tf.keras.layers.Dense(output_size, name='logits')(inputs)")
        + "import os\nos._exit(1)",
        "crash",
    ),
]
