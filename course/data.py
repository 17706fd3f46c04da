"""Small seeded data sets for the regression-versus-classification section (no downloads)."""

import numpy as np

REGRESSION_SLOPE = 1.5
REGRESSION_INTERCEPT = -0.5
REGRESSION_NOISE = 0.5

CLASS_CENTERS = ((-1.0, -1.0), (1.5, 1.0))
CLASS_SPREAD = 0.8


def _check_n(n):
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    return int(n)


def make_regression_data(n=100, seed=0):
    """Return ``(x, y)``: ``x`` of shape ``(n, 1)`` and ``y = 1.5 x - 0.5 + noise``, shape ``(n,)``.

    One feature per row, as a layer expects; both float32 and the same for the same ``seed``.
    """
    n = _check_n(n)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3.0, 3.0, size=(n, 1))
    noise = rng.normal(0.0, REGRESSION_NOISE, size=n)
    y = REGRESSION_SLOPE * x[:, 0] + REGRESSION_INTERCEPT + noise
    return x.astype(np.float32), y.astype(np.float32)


def make_classification_data(n=100, seed=0):
    """Return ``(x, y)``: two Gaussian blobs, ``x`` of shape ``(n, 2)`` and labels ``y`` in {0, 1}.

    Classes alternate (0, 1, 0, ...) so both are present for any ``n >= 2``; ``x`` is float32,
    ``y`` int64, and both are the same for the same ``seed``.
    """
    n = _check_n(n)
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    centers = np.asarray(CLASS_CENTERS)[y]
    x = centers + rng.normal(0.0, CLASS_SPREAD, size=(n, 2))
    order = rng.permutation(n)
    return x[order].astype(np.float32), y[order].astype(np.int64)
