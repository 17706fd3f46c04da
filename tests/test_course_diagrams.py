"""Unit tests of course.diagrams: dense-layer edges, their drawings and the weighted connections."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course import diagrams, plots  # noqa: E402

SIZES = [(1, 1), (3, 2), (2, 5), (7, 4), (784, 10)]


@pytest.mark.parametrize(("n", "k"), SIZES)
def test_dense_layer_has_n_plus_one_times_k_edges_with_bias(n, k):
    """With a bias neuron a dense layer has (n + 1) · k edges, all distinct."""
    edges = diagrams.dense_layer_edges(n, k)
    assert len(edges) == (n + 1) * k
    assert len(set(edges)) == len(edges)


@pytest.mark.parametrize(("n", "k"), SIZES)
def test_dense_layer_has_n_times_k_edges_without_bias(n, k):
    """Without the bias neuron a dense layer has n · k edges."""
    assert len(diagrams.dense_layer_edges(n, k, bias=False)) == n * k


@pytest.mark.parametrize(("n", "k"), [(3, 2), (4, 1)])
def test_every_source_reaches_every_output(n, k):
    """Fully connected: each input and the bias neuron connect to each output exactly once."""
    edges = set(diagrams.dense_layer_edges(n, k))
    sources = {diagrams.input_name(i) for i in range(1, n + 1)} | {diagrams.BIAS_NAME}
    outputs = {diagrams.output_name(j) for j in range(1, k + 1)}
    assert edges == {(s, d) for s in sources for d in outputs}


@pytest.mark.parametrize("bad", [0, -1, 2.0, True])
def test_sizes_must_be_positive_integers(bad):
    """input_size and output_size must be positive ints, as Dense's units must be."""
    with pytest.raises(ValueError):
        diagrams.dense_layer_edges(bad, 2)
    with pytest.raises(ValueError):
        diagrams.dense_layer_edges(2, bad)


@pytest.mark.parametrize(("n", "k"), [(1, 1), (3, 2), (5, 4)])
@pytest.mark.parametrize("bias", [True, False])
def test_small_drawing_shows_exactly_the_layer_edges(n, k, bias):
    """Below the cap, the drawn edge lines are exactly dense_layer_edges."""
    fig = diagrams.draw_dense_layer(n, k, bias=bias)
    assert isinstance(fig, Figure)
    drawn = diagrams.drawn_edges(fig)
    assert sorted(drawn) == sorted(diagrams.dense_layer_edges(n, k, bias=bias))


def test_bias_neuron_is_drawn_distinct_and_labelled():
    """The bias neuron has its own colour, reads "1", is labelled "bias"; bias=False drops it."""
    fig = diagrams.draw_dense_layer(3, 2)
    ax = fig.axes[0]
    bias = plots.find_artist(fig, "neuron:bias")
    first_input = plots.find_artist(fig, "neuron:x1")
    assert bias.get_facecolor() != first_input.get_facecolor()
    texts = {t.get_text() for t in ax.texts}
    assert {"1", "bias"} <= texts
    no_bias = diagrams.draw_dense_layer(3, 2, bias=False).axes[0]
    assert not any(p.get_gid() == "neuron:bias" for p in no_bias.patches)
    assert "bias" not in {t.get_text() for t in no_bias.texts}


def test_large_layers_are_capped_with_an_ellipsis():
    """Columns over the cap draw at most max_drawn neurons and an ellipsis, not every edge."""
    n, k, cap = 784, 100, 10
    fig = diagrams.draw_dense_layer(n, k, max_drawn=cap)
    ax = fig.axes[0]
    neurons = [p for p in ax.patches if str(p.get_gid()).startswith("neuron:")]
    assert len(neurons) <= 2 * cap + 1
    assert sum(t.get_gid() == "ellipsis" for t in ax.texts) == 2
    drawn = diagrams.drawn_edges(fig)
    assert 0 < len(drawn) < len(diagrams.dense_layer_edges(n, k))
    assert set(drawn) <= set(diagrams.dense_layer_edges(n, k))
    # The first and last neurons stay visible, so the diagram still shows the size.
    assert (diagrams.input_name(n), diagrams.output_name(k)) in drawn
    assert str((n + 1) * k) in ax.get_title()


def test_visible_indices_keep_the_ends():
    """The capped column keeps the first and last indices and has cap slots with one ellipsis."""
    shown = diagrams.visible_indices(50, cap=8)
    assert len(shown) == 8 and shown.count(None) == 1
    assert shown[0] == 1 and shown[-1] == 50
    assert diagrams.visible_indices(5, cap=8) == [1, 2, 3, 4, 5]


def test_weighted_connections_signs():
    """A→B is direct (positive), A→C none (zero) and A→D inverse (negative)."""
    conns = {(c.src, c.dst): c for c in diagrams.weighted_connections_edges()}
    assert set(conns) == {("A", "B"), ("A", "C"), ("A", "D")}
    assert conns["A", "B"].weight > 0 and conns["A", "B"].relation == "direct"
    assert conns["A", "C"].weight == 0 and conns["A", "C"].relation == "none"
    assert conns["A", "D"].weight < 0 and conns["A", "D"].relation == "inverse"


def test_weighted_connections_are_coloured_and_labelled_by_sign():
    """Each drawn edge has its sign's colour, three distinct colours, and a weight label."""
    fig = diagrams.draw_weighted_connections()
    ax = fig.axes[0]
    lines = {line.get_gid(): line for line in ax.lines}
    colors = set()
    for c in diagrams.weighted_connections_edges():
        line = lines[diagrams.edge_gid(c.src, c.dst)]
        expected = diagrams.SIGN_COLORS[int(np.sign(c.weight))]
        assert matplotlib.colors.same_color(line.get_color(), expected)
        colors.add(matplotlib.colors.to_hex(line.get_color()))
    assert len(colors) == 3
    texts = {t.get_text() for t in ax.texts}
    assert {"direct", "none", "inverse"} <= texts
    assert sum(t.startswith("w = ") for t in texts) == 3


def _as_number(text):
    return float(text.replace("\N{MINUS SIGN}", "-"))


def test_layer_with_weights_labels_every_edge_with_its_weight():
    """Every weight and bias appears as an edge of its sign's colour, labelled with its value."""
    w = np.array([[0.5, -1.0], [0.25, 0.0], [-2.0, 1.5]])
    b = np.array([0.1, -0.3])
    fig = diagrams.draw_layer_with_weights(w, b)
    ax = fig.axes[0]
    lines = {line.get_gid(): line for line in ax.lines}
    assert len(lines) == (3 + 1) * 2
    rows = {**{diagrams.input_name(i + 1): w[i] for i in range(3)}, diagrams.BIAS_NAME: b}
    for src, row in rows.items():
        for j, value in enumerate(row):
            line = lines[diagrams.edge_gid(src, diagrams.output_name(j + 1))]
            assert matplotlib.colors.same_color(line.get_color(), diagrams.sign_color(value))
    labels = {t.get_gid(): t.get_text() for t in ax.texts}
    for src, row in rows.items():
        for j, value in enumerate(row):
            text = labels[diagrams.weight_gid(src, diagrams.output_name(j + 1))]
            assert _as_number(text) == value


def test_layer_with_weights_checks_shapes():
    """A bias that does not match the output count is rejected."""
    with pytest.raises(ValueError):
        diagrams.draw_layer_with_weights(np.ones((3, 2)), np.ones(3))
