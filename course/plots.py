"""The logit and sigmoid functions, and the chapter's figures drawn from them."""

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

SAVE_SUFFIXES = (".png", ".svg", ".pdf")

# gids of the artists a test (or an instructor restyling a figure) may look up with find_artist().
CURVE_GID = "logit-curve"
ASYMPTOTE_GIDS = {0.0: "asymptote-p0", 1.0: "asymptote-p1"}
MARK_GID = "marked-point"
SIGMOID_GID = "sigmoid-curve"

CLASS_COLORS = ("#1f77b4", "#d62728")
CLASS_MARKERS = ("o", "^")


def logit(p):
    """Return ``ln(p / (1 - p))`` elementwise; ``-inf`` at p = 0, ``+inf`` at p = 1.

    Raises ``ValueError`` if any ``p`` lies outside [0, 1] or is NaN.
    """
    p = np.asarray(p, dtype=float)
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValueError("logit(p) needs probabilities 0 <= p <= 1")
    with np.errstate(divide="ignore"):
        # log1p(-p) keeps precision for p near 0, where 1 - p rounds to 1.
        z = np.log(p) - np.log1p(-p)
    return z[()] if z.ndim == 0 else z


def sigmoid(z):
    """Return ``1 / (1 + e^-z)`` elementwise, the inverse of :func:`logit`, without overflow."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return s[()] if s.ndim == 0 else s


def find_artist(fig_or_ax, gid):
    """Return the first artist with this gid in a Figure or Axes, or None."""
    found = fig_or_ax.findobj(lambda artist: artist.get_gid() == gid)
    return found[0] if found else None


def new_axes(figsize=(6.0, 4.0)):
    """Return ``(fig, ax)`` on a Figure not registered with pyplot, so a notebook shows it once."""
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def save_figure(fig, save):
    """Save ``fig`` to ``save`` if it is a path ending .png/.svg/.pdf; do nothing if None."""
    if save is None:
        return
    path = Path(save)
    if path.suffix.lower() not in SAVE_SUFFIXES:
        raise ValueError(f"save must end with one of {SAVE_SUFFIXES}, got {str(save)!r}")
    fig.savefig(path, dpi=150)


def _axes(ax, figsize=(6.0, 4.0)):
    if ax is None:
        return new_axes(figsize)
    return ax.figure, ax


def plot_logit_curve(ax=None, *, eps=1e-3, show_asymptotes=True, mark_p=None, save=None):
    """Plot logit(p) for p in [eps, 1 - eps] and return the Figure.

    ``show_asymptotes`` draws dashed vertical lines at p = 0 and p = 1 (gids in ``ASYMPTOTE_GIDS``);
    ``mark_p`` marks the point (p, logit(p)); ``save`` is an optional .png/.svg/.pdf path.
    """
    if not 0 < eps < 0.5:
        raise ValueError("eps must lie in (0, 0.5)")
    if mark_p is not None and not 0 < mark_p < 1:
        raise ValueError("mark_p must lie strictly between 0 and 1, where the logit is finite")
    fig, ax = _axes(ax)
    p = np.linspace(eps, 1 - eps, 801)
    (curve,) = ax.plot(
        p, logit(p), color="#1f77b4", lw=2, label=r"logit$(p) = \ln\frac{p}{1-p}$", gid=CURVE_GID
    )
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(0.5, color="0.6", lw=0.8, ls=":")
    ax.annotate(
        "p = 0.5 ↔ logit 0",
        xy=(0.5, 0),
        xytext=(6, -6),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=9,
        color="0.35",
    )
    if show_asymptotes:
        for x, gid in ASYMPTOTE_GIDS.items():
            side = r"-\infty" if x == 0 else r"+\infty"
            ax.axvline(x, color="#d62728", ls="--", lw=1.2, gid=gid, label=f"asymptote p = {x:g}")
            ax.annotate(
                rf"p = {x:g}: logit $\to {side}$",
                xy=(x, 0.5),
                xycoords=("data", "axes fraction"),
                xytext=(6 if x == 0 else -6, 0),
                textcoords="offset points",
                rotation=90,
                ha="left" if x == 0 else "right",
                va="center",
                color="#d62728",
                fontsize=9,
            )
    if mark_p is not None:
        z = float(logit(mark_p))
        ax.plot([mark_p], [z], "o", color="#ff7f0e", ms=8, zorder=5, gid=MARK_GID)
        ax.annotate(
            f"p = {mark_p:.2f}\nlogit = {z:+.2f}",
            xy=(mark_p, z),
            xytext=(-12 if mark_p > 0.5 else 12, 0),
            textcoords="offset points",
            ha="right" if mark_p > 0.5 else "left",
            va="center",
            fontsize=9,
            bbox={"boxstyle": "round", "fc": "white", "ec": "#ff7f0e"},
        )
    ax.set_xlim(-0.08, 1.08)
    ax.set_xlabel("probability p")
    ax.set_ylabel("logit(p)")
    ax.set_title("The logit maps probabilities (0, 1) to all real numbers")
    ax.legend(handles=[curve], loc="upper left")
    save_figure(fig, save)
    return fig


def plot_sigmoid_preview(ax=None, *, z_max=8.0, save=None):
    """Plot sigmoid(z), the logit's inverse, with its horizontal asymptotes; return the Figure."""
    fig, ax = _axes(ax)
    z = np.linspace(-z_max, z_max, 401)
    (curve,) = ax.plot(
        z, sigmoid(z), color="#2ca02c", lw=2, gid=SIGMOID_GID, label=r"$\sigma(z) = 1/(1+e^{-z})$"
    )
    for level in (0.0, 1.0):
        ax.axhline(level, color="#d62728", ls="--", lw=1.2)
    ax.axhline(0.5, color="0.6", lw=0.8, ls=":")
    ax.axvline(0.0, color="0.6", lw=0.8)
    ax.set_xlabel("logit z")
    ax.set_ylabel(r"probability $\sigma(z)$")
    ax.set_ylim(-0.08, 1.08)
    ax.set_title("Preview: the sigmoid turns a logit back into a probability")
    ax.legend(handles=[curve], loc="upper left")
    save_figure(fig, save)
    return fig


def plot_regression_data(x, y, ax=None, *, line=None, save=None):
    """Scatter 1-feature regression data; ``line=(slope, intercept)`` overlays a fitted line."""
    fig, ax = _axes(ax)
    x = np.asarray(x, dtype=float).reshape(len(y), -1)[:, 0]
    ax.scatter(x, y, s=18, color="#1f77b4", alpha=0.8, label="data")
    if line is not None:
        slope, intercept = (float(v) for v in line)
        xs = np.array([x.min(), x.max()])
        sign = "\N{MINUS SIGN}" if intercept < 0 else "+"
        label = f"prediction = {slope:.2f} x {sign} {abs(intercept):.2f}"
        ax.plot(xs, slope * xs + intercept, color="#ff7f0e", lw=2, label=label)
        ax.legend(loc="upper left")
    ax.set_xlabel("input x")
    ax.set_ylabel("target y (a number)")
    ax.set_title("Regression: predict a number")
    save_figure(fig, save)
    return fig


def plot_classification_data(x, y, ax=None, *, boundary=None, save=None):
    """Scatter 2-feature data coloured by class; ``boundary=(w, b)`` draws the line w·x + b = 0."""
    fig, ax = _axes(ax)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y).reshape(-1)
    for label in (0, 1):
        pts = x[y == label]
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            s=22,
            color=CLASS_COLORS[label],
            marker=CLASS_MARKERS[label],
            alpha=0.8,
            label=f"class {label}",
        )
    if boundary is not None:
        w, b = boundary
        w = np.asarray(w, dtype=float).reshape(-1)
        b = float(np.asarray(b).reshape(-1)[0])
        x0 = np.array([x[:, 0].min(), x[:, 0].max()])
        if abs(w[1]) > 1e-12:
            ax.plot(x0, -(w[0] * x0 + b) / w[1], color="k", lw=1.5, ls="--", label="logit = 0")
        else:
            ax.axvline(-b / w[0], color="k", lw=1.5, ls="--", label="logit = 0")
        ax.set_ylim(x[:, 1].min() - 0.5, x[:, 1].max() + 0.5)
    ax.set_xlabel("feature $x_1$")
    ax.set_ylabel("feature $x_2$")
    ax.set_title("Classification: predict a class")
    ax.legend(loc="best")
    save_figure(fig, save)
    return fig
