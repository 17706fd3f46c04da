"""Unit tests of course.data: the generated regression and classification sets."""

import numpy as np
import pytest

from course import data

MAKERS = [data.make_regression_data, data.make_classification_data]


@pytest.mark.parametrize("make", MAKERS)
def test_same_seed_gives_the_same_data(make):
    """Two calls with one seed return identical arrays."""
    x1, y1 = make(n=30, seed=7)
    x2, y2 = make(n=30, seed=7)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("make", MAKERS)
def test_different_seeds_give_different_data(make):
    """Another seed gives other inputs."""
    assert not np.array_equal(make(seed=0)[0], make(seed=1)[0])


@pytest.mark.parametrize("n", [1, 2, 17, 100])
def test_regression_shapes(n):
    """Regression data is one feature per row, x (n, 1), and one target per row, y (n,)."""
    x, y = data.make_regression_data(n=n)
    assert x.shape == (n, 1) and y.shape == (n,)
    assert x.dtype == np.float32 and y.dtype == np.float32


@pytest.mark.parametrize("n", [2, 17, 100])
def test_classification_shapes_and_labels(n):
    """Classification data is x (n, 2) with integer labels y (n,) from both classes 0 and 1."""
    x, y = data.make_classification_data(n=n)
    assert x.shape == (n, 2) and y.shape == (n,)
    assert np.issubdtype(y.dtype, np.integer)
    assert set(np.unique(y)) == {0, 1}


def test_regression_targets_follow_the_documented_line():
    """A least-squares fit recovers the documented slope and intercept, so y really depends on x."""
    x, y = data.make_regression_data(n=2000)
    slope, intercept = np.polyfit(x[:, 0], y, 1)
    assert slope == pytest.approx(data.REGRESSION_SLOPE, abs=0.05)
    assert intercept == pytest.approx(data.REGRESSION_INTERCEPT, abs=0.05)


def test_classes_are_separated_around_their_centres():
    """Each class's mean lies near its centre, so a straight line can mostly separate them."""
    x, y = data.make_classification_data(n=2000)
    for label, centre in enumerate(data.CLASS_CENTERS):
        np.testing.assert_allclose(x[y == label].mean(axis=0), centre, atol=0.1)


@pytest.mark.parametrize("make", MAKERS)
@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_bad_sizes_are_rejected(make, n):
    """n must be a positive integer."""
    with pytest.raises(ValueError):
        make(n=n)
