"""Unit tests of course.plots: the logit and sigmoid, and the figures drawn from them."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course import data, plots  # noqa: E402


def test_logit_of_one_half_is_zero():
    """logit(0.5) is exactly 0: an even chance has zero log-odds."""
    assert plots.logit(0.5) == 0.0


def test_logit_inverts_sigmoid():
    """logit(sigmoid(z)) recovers z across a wide range, so the two are inverses."""
    z = np.linspace(-15, 15, 301)
    np.testing.assert_allclose(plots.logit(plots.sigmoid(z)), z, atol=1e-6)


def test_sigmoid_inverts_logit():
    """sigmoid(logit(p)) recovers p for probabilities close to 0 and 1 as well."""
    p = np.array([1e-9, 1e-3, 0.2, 0.5, 0.8, 1 - 1e-3])
    np.testing.assert_allclose(plots.sigmoid(plots.logit(p)), p, rtol=1e-9)


def test_logit_matches_its_definition_and_is_odd_about_one_half():
    """logit(p) equals ln(p / (1 - p)) and logit(1 - p) == -logit(p)."""
    p = np.linspace(0.01, 0.99, 99)
    np.testing.assert_allclose(plots.logit(p), np.log(p / (1 - p)), rtol=1e-12)
    np.testing.assert_allclose(plots.logit(1 - p), -plots.logit(p), atol=1e-12)


def test_logit_is_infinite_at_the_ends():
    """logit is -inf at p = 0 and +inf at p = 1, without a warning."""
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert plots.logit(0.0) == -np.inf
        assert plots.logit(1.0) == np.inf


@pytest.mark.parametrize("bad", [-0.1, 1.5, np.nan, [0.2, 2.0]])
def test_logit_rejects_values_that_are_not_probabilities(bad):
    """Anything outside [0, 1] (or NaN) raises ValueError instead of returning NaN."""
    with pytest.raises(ValueError):
        plots.logit(bad)


def test_logit_keeps_the_shape_of_its_input():
    """logit works elementwise: a scalar gives a scalar, an array an array of the same shape."""
    assert np.ndim(plots.logit(0.3)) == 0
    assert plots.logit(np.full((2, 3), 0.3)).shape == (2, 3)


def test_sigmoid_does_not_overflow():
    """sigmoid of huge logits saturates at 0 and 1 without overflow warnings."""
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = plots.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_array_equal(s, [0.0, 0.5, 1.0])


def _asymptote_x(fig, p):
    line = plots.find_artist(fig, plots.ASYMPTOTE_GIDS[p])
    assert line is not None, f"no asymptote line at p = {p}"
    return set(np.asarray(line.get_xdata(), dtype=float))


def test_logit_curve_has_vertical_asymptotes_at_zero_and_one():
    """The two asymptote lines are vertical and sit exactly at p = 0 and p = 1."""
    fig = plots.plot_logit_curve()
    assert isinstance(fig, Figure)
    assert _asymptote_x(fig, 0.0) == {0.0}
    assert _asymptote_x(fig, 1.0) == {1.0}


def test_logit_curve_asymptotes_are_labelled():
    """Each asymptote line has a legend label and a text annotation naming its p."""
    fig = plots.plot_logit_curve()
    texts = [t.get_text() for t in fig.axes[0].texts]
    for p in (0.0, 1.0):
        assert f"p = {p:g}" in plots.find_artist(fig, plots.ASYMPTOTE_GIDS[p]).get_label()
        assert any(t.startswith(f"p = {p:g}") for t in texts)


def test_logit_curve_can_hide_asymptotes():
    """show_asymptotes=False draws no asymptote lines."""
    fig = plots.plot_logit_curve(show_asymptotes=False)
    assert all(plots.find_artist(fig, gid) is None for gid in plots.ASYMPTOTE_GIDS.values())


def test_logit_curve_plots_logit_and_stays_inside_eps():
    """The curve's points are (p, logit(p)) with eps <= p <= 1 - eps."""
    eps = 0.01
    line = plots.find_artist(plots.plot_logit_curve(eps=eps), plots.CURVE_GID)
    p, z = line.get_xdata(), line.get_ydata()
    assert p.min() == pytest.approx(eps) and p.max() == pytest.approx(1 - eps)
    np.testing.assert_allclose(z, plots.logit(p))


def test_logit_curve_marks_the_requested_point():
    """mark_p places a marker at (p, logit(p))."""
    marker = plots.find_artist(plots.plot_logit_curve(mark_p=0.9), plots.MARK_GID)
    assert marker.get_xdata()[0] == pytest.approx(0.9)
    assert marker.get_ydata()[0] == pytest.approx(np.log(9))
    assert plots.find_artist(plots.plot_logit_curve(), plots.MARK_GID) is None


@pytest.mark.parametrize("bad", [0.0, 1.0, 1.2])
def test_logit_curve_refuses_to_mark_an_infinite_logit(bad):
    """mark_p must lie strictly inside (0, 1), where the logit is finite."""
    with pytest.raises(ValueError):
        plots.plot_logit_curve(mark_p=bad)


def test_logit_curve_draws_into_a_given_axes():
    """Given an Axes, the curve goes there and that Axes' Figure is returned."""
    fig = Figure()
    ax = fig.add_subplot()
    assert plots.plot_logit_curve(ax) is fig
    assert plots.find_artist(ax, plots.CURVE_GID) is not None


@pytest.mark.parametrize(
    ("name", "magic"), [("fig.png", b"\x89PNG\r\n\x1a\n"), ("fig.pdf", b"%PDF")]
)
def test_logit_curve_saves_binary_formats(tmp_path, name, magic):
    """save= writes a real PNG or PDF file at the given path."""
    path = tmp_path / name
    plots.plot_logit_curve(save=path)
    assert path.read_bytes().startswith(magic)


def test_logit_curve_saves_svg(tmp_path):
    """save='...svg' (a str path) writes an SVG document."""
    path = tmp_path / "fig.svg"
    plots.plot_logit_curve(save=str(path))
    assert "<svg" in path.read_text()


def test_returned_figure_can_be_saved_by_the_caller(tmp_path):
    """The returned Figure works without pyplot: fig.savefig writes a PNG."""
    path = tmp_path / "later.png"
    plots.plot_logit_curve().savefig(path)
    assert path.read_bytes().startswith(b"\x89PNG")


def test_save_rejects_unknown_suffixes(tmp_path):
    """A save path without .png/.svg/.pdf raises ValueError and writes nothing."""
    with pytest.raises(ValueError):
        plots.plot_logit_curve(save=tmp_path / "fig.jpg")
    assert not list(tmp_path.iterdir())


def test_figures_are_not_registered_with_pyplot():
    """Figures are made without pyplot, so a notebook shows a returned figure once, not twice."""
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    plots.plot_logit_curve()
    plots.plot_sigmoid_preview()
    assert plt.get_fignums() == before


def test_sigmoid_preview_plots_the_sigmoid():
    """The preview's curve is (z, sigmoid(z)), rising from near 0 to near 1."""
    line = plots.find_artist(plots.plot_sigmoid_preview(), plots.SIGMOID_GID)
    z, s = line.get_xdata(), line.get_ydata()
    np.testing.assert_allclose(s, plots.sigmoid(z))
    assert s[0] < 0.01 and s[-1] > 0.99


def test_regression_plot_shows_every_point_and_the_line():
    """The regression plot scatters all n points and draws line=(slope, intercept)."""
    x, y = data.make_regression_data(n=40)
    fig = plots.plot_regression_data(x, y, line=(2.0, 1.0))
    ax = fig.axes[0]
    assert ax.collections[0].get_offsets().shape == (40, 2)
    xs, ys = ax.lines[0].get_data()
    np.testing.assert_allclose(ys, 2.0 * np.asarray(xs) + 1.0)


def test_classification_plot_has_one_scatter_per_class():
    """The classification plot has a scatter for each class holding exactly that class's points."""
    x, y = data.make_classification_data(n=50)
    ax = plots.plot_classification_data(x, y).axes[0]
    sizes = [len(c.get_offsets()) for c in ax.collections]
    assert sizes == [int((y == 0).sum()), int((y == 1).sum())]


def test_classification_boundary_is_where_the_logit_is_zero():
    """boundary=(w, b) draws points where w·x + b = 0."""
    x, y = data.make_classification_data()
    w, b = np.array([1.0, 2.0]), -0.5
    ax = plots.plot_classification_data(x, y, boundary=(w, b)).axes[0]
    x0, x1 = ax.lines[0].get_data()
    np.testing.assert_allclose(w[0] * np.asarray(x0) + w[1] * np.asarray(x1) + b, 0, atol=1e-12)
