"""Neuron-and-edge diagrams of fully-connected layers and weighted connections, in matplotlib."""

from typing import NamedTuple

import numpy as np
from matplotlib.patches import Circle

from course.plots import new_axes

MAX_DRAWN = 10
BIAS_NAME = "bias"
RADIUS = 0.22

INPUT_COLOR = "#cfe2f3"
OUTPUT_COLOR = "#d9ead3"
BIAS_COLOR = "#fce5cd"
BIAS_EDGE_COLOR = "#e69138"
EDGE_COLOR = "0.55"
SIGN_COLORS = {1: "#1f77b4", 0: "0.6", -1: "#d62728"}
SIGN_STYLES = {1: "-", 0: ":", -1: "-"}


class Connection(NamedTuple):
    """One weighted edge of the A→B/C/D picture."""

    src: str
    dst: str
    weight: float
    relation: str


def _check_size(name, value):
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def input_name(i):
    """Return the name of input neuron ``i`` (1-based): ``'x1'``, ``'x2'``, ..."""
    return f"x{i}"


def output_name(j):
    """Return the name of output neuron ``j`` (1-based): ``'y1'``, ``'y2'``, ..."""
    return f"y{j}"


def dense_layer_edges(input_size, output_size, bias=True):
    """Return every edge ``(src, dst)`` of a dense layer: (n + 1) · k with bias, n · k without.

    Inputs are ``'x1'..'xn'``, outputs ``'y1'..'yk'``, the bias neuron ``'bias'``.
    """
    n = _check_size("input_size", input_size)
    k = _check_size("output_size", output_size)
    sources = [input_name(i) for i in range(1, n + 1)] + ([BIAS_NAME] if bias else [])
    return [(src, output_name(j)) for src in sources for j in range(1, k + 1)]


def visible_indices(size, cap=MAX_DRAWN):
    """Return the 1-based neuron indices drawn for a column of ``size``; None marks an ellipsis."""
    if cap < 3:
        raise ValueError("cap must be at least 3: a first neuron, the ellipsis and a last one")
    if size <= cap:
        return list(range(1, size + 1))
    head = cap // 2
    tail = cap - head - 1
    return list(range(1, head + 1)) + [None] + list(range(size - tail + 1, size + 1))


def _column_y(count, gap=1.0):
    """Vertical positions, top to bottom, for ``count`` slots ``gap`` apart, centred on 0."""
    return [gap * ((count - 1) / 2 - i) for i in range(count)]


def _index_label(letter, index):
    """Return mathtext ``$x_{index}$`` and a font size that keeps it inside the circle."""
    return f"${letter}_{{{index}}}$", 11 if index < 10 else 10 if index < 100 else 8


def _neuron(ax, xy, text, face, gid, edge="0.2", fontsize=11):
    ax.add_patch(Circle(xy, RADIUS, facecolor=face, edgecolor=edge, lw=1.5, zorder=3, gid=gid))
    ax.text(*xy, text, ha="center", va="center", fontsize=fontsize, zorder=4)


def _bias_neuron(ax, xy):
    """Draw the bias neuron: orange, reading "1", labelled "bias" on its left."""
    _neuron(ax, xy, "1", BIAS_COLOR, gid=f"neuron:{BIAS_NAME}", edge=BIAS_EDGE_COLOR)
    ax.text(
        xy[0] - RADIUS - 0.12,
        xy[1],
        "bias",
        ha="right",
        va="center",
        color=BIAS_EDGE_COLOR,
        fontsize=10,
    )


def _edge(ax, start, end, gid, **style):
    (x0, y0), (x1, y1) = start, end
    # Stop at the circles' rims so lines do not cross the labels inside them.
    d = np.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / d, (y1 - y0) / d
    xs = [x0 + ux * RADIUS, x1 - ux * RADIUS]
    ys = [y0 + uy * RADIUS, y1 - uy * RADIUS]
    (line,) = ax.plot(xs, ys, zorder=1, gid=gid, **style)
    return line


def edge_gid(src, dst):
    """Return the gid of the drawn line for edge ``src -> dst``."""
    return f"edge:{src}->{dst}"


def weight_gid(src, dst):
    """Return the gid of the weight label drawn on edge ``src -> dst``."""
    return f"weight:{src}->{dst}"


def drawn_edges(fig_or_ax):
    """Return the ``(src, dst)`` pairs of the edge lines drawn in a diagram."""
    pairs = []
    for artist in fig_or_ax.findobj(lambda a: str(a.get_gid()).startswith("edge:")):
        src, dst = artist.get_gid()[len("edge:") :].split("->")
        pairs.append((src, dst))
    return pairs


def _fmt(weight):
    """Format a weight with its sign and a true minus sign; zero as plain 0."""
    return "0" if weight == 0 else f"{weight:+g}".replace("-", "\N{MINUS SIGN}")


def _figure_for(ax, xlim, ylim, scale=0.75, max_height=8.0):
    """Return ``(fig, ax)``: ``ax`` as given, or a new Figure sized to the diagram's extent."""
    if ax is not None:
        return ax.figure, ax
    width, height = (xlim[1] - xlim[0]) * scale, (ylim[1] - ylim[0]) * scale
    shrink = min(1.0, max_height / height)
    return new_axes(figsize=(width * shrink, height * shrink))


def _finish(ax, fig, xlim, ylim, title):
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=11)
    return fig


def draw_dense_layer(input_size, output_size, bias=True, ax=None, *, max_drawn=MAX_DRAWN):
    """Draw a fully-connected layer, return the Figure; columns over ``max_drawn`` get an ellipsis.

    Every drawn input (and the bias neuron "1", in orange with dashed edges) connects to every
    drawn output; edge lines carry gids from :func:`edge_gid`.
    """
    n = _check_size("input_size", input_size)
    k = _check_size("output_size", output_size)
    ins = visible_indices(n, max_drawn)
    outs = visible_indices(k, max_drawn)
    in_slots = len(ins) + (1 if bias else 0)
    x_in, x_out = 0.0, 3.0
    gap = 1.0 if max(in_slots, len(outs)) <= 6 else 0.75
    in_y = _column_y(in_slots, gap)
    out_y = _column_y(len(outs), gap)
    top = max(in_y[0], out_y[0])
    bottom = min(in_y[-1], out_y[-1])
    xlim, ylim = (-1.3, 4.3), (bottom - 0.5, top + 1.5)
    fig, ax = _figure_for(ax, xlim, ylim)

    out_pos = {}
    for j, y in zip(outs, out_y, strict=True):
        if j is None:
            ax.text(x_out, y, "⋮", ha="center", va="center", fontsize=14, gid="ellipsis")
        else:
            out_pos[output_name(j)] = (x_out, y)
            text, size = _index_label("y", j)
            _neuron(ax, (x_out, y), text, OUTPUT_COLOR, f"neuron:{output_name(j)}", fontsize=size)

    in_pos = {}
    for i, y in zip(ins, in_y, strict=False):
        if i is None:
            ax.text(x_in, y, "⋮", ha="center", va="center", fontsize=14, gid="ellipsis")
        else:
            in_pos[input_name(i)] = (x_in, y)
            text, size = _index_label("x", i)
            _neuron(ax, (x_in, y), text, INPUT_COLOR, f"neuron:{input_name(i)}", fontsize=size)
    if bias:
        bias_xy = (x_in, in_y[-1])
        _bias_neuron(ax, bias_xy)

    lw = 1.0 if len(in_pos) * len(out_pos) <= 30 else 0.6
    for src, start in in_pos.items():
        for dst, end in out_pos.items():
            _edge(ax, start, end, edge_gid(src, dst), color=EDGE_COLOR, lw=lw)
    if bias:
        for dst, end in out_pos.items():
            _edge(ax, bias_xy, end, edge_gid(BIAS_NAME, dst), color=BIAS_EDGE_COLOR, lw=lw, ls="--")

    ax.text(x_in, top + 0.55, f"inputs\n(input_size = {n})", ha="center", va="bottom", fontsize=10)
    ax.text(
        x_out, top + 0.55, f"outputs\n(output_size = {k})", ha="center", va="bottom", fontsize=10
    )
    count = len(dense_layer_edges(n, k, bias))
    formula = f"({n} + 1) · {k}" if bias else f"{n} · {k}"
    title = f"Dense layer: {formula} = {count} parameters"
    return _finish(ax, fig, xlim, ylim, title)


def weighted_connections_edges():
    """Return the A→B direct (+), A→C none (0) and A→D inverse (−) connections."""
    return [
        Connection("A", "B", 0.8, "direct"),
        Connection("A", "C", 0.0, "none"),
        Connection("A", "D", -0.8, "inverse"),
    ]


def sign_color(weight):
    """Return the colour for a weight's sign: blue positive, grey zero, red negative."""
    return SIGN_COLORS[int(np.sign(weight))]


def draw_weighted_connections(ax=None):
    """Draw neuron A connected to B (positive), C (zero) and D (negative); return the Figure."""
    xlim, ylim = (-0.6, 4.6), (-1.9, 1.9)
    fig, ax = _figure_for(ax, xlim, ylim, scale=1.0)
    edges = weighted_connections_edges()
    a_xy = (0.0, 0.0)
    _neuron(ax, a_xy, "A", INPUT_COLOR, gid="neuron:A", fontsize=13)
    for conn, y in zip(edges, _column_y(len(edges)), strict=True):
        dst_xy = (3.0, y * 1.3)
        _neuron(ax, dst_xy, conn.dst, OUTPUT_COLOR, gid=f"neuron:{conn.dst}", fontsize=13)
        sign = int(np.sign(conn.weight))
        _edge(
            ax,
            a_xy,
            dst_xy,
            edge_gid(conn.src, conn.dst),
            color=sign_color(conn.weight),
            lw=1.2 + 2.5 * abs(conn.weight),
            ls=SIGN_STYLES[sign],
        )
        ax.text(
            1.55,
            0.5 * dst_xy[1] + 0.22 * np.sign(dst_xy[1]),
            f"w = {_fmt(conn.weight)}",
            ha="center",
            va="center",
            color=sign_color(conn.weight),
            fontsize=10,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none"},
        )
        ax.text(
            dst_xy[0] + RADIUS + 0.15,
            dst_xy[1],
            f"{conn.relation}",
            ha="left",
            va="center",
            color=sign_color(conn.weight),
            fontsize=11,
        )
    return _finish(ax, fig, xlim, ylim, "Weighted connections: the sign matters")


def draw_layer_with_weights(weights, bias=None, ax=None):
    """Draw a small dense layer with each edge labelled by its weight and coloured by sign.

    ``weights`` has shape (input_size, output_size), like a Dense kernel; ``bias`` has shape
    (output_size,) or is None. Return the Figure.
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim != 2:
        raise ValueError(f"weights must be 2-D (input_size, output_size), got shape {w.shape}")
    n, k = w.shape
    if max(n, k) > 6:
        raise ValueError("draw_layer_with_weights labels every edge: use at most 6 by 6")
    b = None if bias is None else np.asarray(bias, dtype=float).reshape(-1)
    if b is not None and b.shape != (k,):
        raise ValueError(f"bias must have shape ({k},), got {b.shape}")
    in_slots = n + (b is not None)
    in_y = _column_y(in_slots, gap=1.25)
    out_y = _column_y(k, gap=1.25)
    x_in, x_out = 0.0, 4.0
    top = max(in_y[0], out_y[0])
    bottom = min(in_y[-1], out_y[-1])
    xlim, ylim = (-1.2, 4.6), (bottom - 0.5, top + 0.6)
    fig, ax = _figure_for(ax, xlim, ylim, scale=1.0)
    sources = [(input_name(i + 1), f"$x_{{{i + 1}}}$", w[i]) for i in range(n)]
    if b is not None:
        sources.append((BIAS_NAME, "1", b))
    for s, ((name, text, row), y) in enumerate(zip(sources, in_y, strict=True)):
        is_bias = name == BIAS_NAME
        if is_bias:
            _bias_neuron(ax, (x_in, y))
        else:
            _neuron(ax, (x_in, y), text, INPUT_COLOR, gid=f"neuron:{name}")
        for j in range(k):
            end = (x_out, out_y[j])
            _edge(
                ax,
                (x_in, y),
                end,
                edge_gid(name, output_name(j + 1)),
                color=sign_color(row[j]),
                lw=1.0 + 1.5 * min(abs(row[j]), 2.0),
                ls="--" if is_bias else SIGN_STYLES[int(np.sign(row[j]))],
            )
            # Stagger labels along the edge by source row so labels of neighbouring edges part.
            t = 0.22 + 0.5 * (s + 0.5 * j) / max(in_slots, 1)
            t = min(t, 0.8)
            lx, ly = x_in + t * (x_out - x_in), y + t * (end[1] - y)
            ax.text(
                lx,
                ly,
                _fmt(row[j]),
                ha="center",
                va="center",
                fontsize=9,
                gid=weight_gid(name, output_name(j + 1)),
                color=sign_color(row[j]),
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"},
                zorder=2,
            )
    for j, y in enumerate(out_y):
        _neuron(
            ax, (x_out, y), f"$y_{{{j + 1}}}$", OUTPUT_COLOR, gid=f"neuron:{output_name(j + 1)}"
        )
    return _finish(ax, fig, xlim, ylim, "Each edge carries one weight (blue +, red −, grey 0)")
