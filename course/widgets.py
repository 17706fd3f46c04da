"""Interactive ipywidgets: weight sliders that drive a layer's output, and a p-to-logit slider."""

import html
import io

import ipywidgets as widgets
import numpy as np

from course import plots

# The worked example of the weighted-connections section: 3 inputs, 2 outputs.
EXAMPLE_INPUTS = (1.0, 2.0, -1.0)
EXAMPLE_WEIGHTS = ((0.5, -1.0), (0.25, 0.0), (-2.0, 1.5))
EXAMPLE_BIAS = (0.1, -0.3)

POSITIVE, NEGATIVE = "#1f77b4", "#d62728"  # the diagrams' colours for + and − weights


def dense_output(inputs, weights, bias):
    """Return ``inputs @ weights + bias``: what a Dense layer without activation computes."""
    x = np.asarray(inputs, dtype=float)
    return x @ np.asarray(weights, dtype=float) + np.asarray(bias, dtype=float)


def _num(value):
    return f"{value:.2f}".replace("-", "\N{MINUS SIGN}")


def _factor(value):
    text = _num(value)
    return f"({text})" if value < 0 else text


def _bar(value, scale, width=160):
    """An HTML bar centred on zero: blue to the right for positive, red to the left for negative."""
    length = min(abs(value) / scale, 1.0) * width / 2
    left = f"{length:.0f}px" if value < 0 else "0px"
    right = f"{length:.0f}px" if value > 0 else "0px"
    half = f"display:flex;width:{width // 2}px;height:14px"
    return (
        f'<span style="display:inline-flex;vertical-align:middle;border-left:1px solid #999;'
        f'border-right:1px solid #999">'
        f'<span style="{half};justify-content:flex-end;border-right:1px solid #333">'
        f'<span style="width:{left};background:{NEGATIVE}"></span></span>'
        f'<span style="{half}"><span style="width:{right};background:{POSITIVE}"></span></span>'
        f"</span>"
    )


def format_output(inputs, weights, bias, scale=None):
    """Return HTML that spells out each output ``y_j = sum_i x_i w_ij + b_j`` with a bar."""
    x = np.asarray(inputs, dtype=float)
    w = np.asarray(weights, dtype=float)
    b = np.asarray(bias, dtype=float)
    y = dense_output(x, w, b)
    scale = scale or max(float(np.abs(y).max()), 1e-9)
    rows = []
    for j, value in enumerate(y):
        terms = " + ".join(f"{_factor(w[i, j])}·{_factor(x[i])}" for i in range(len(x)))
        formula = html.escape(f"{terms} + {_factor(b[j])}")
        rows.append(
            f"<tr><td><b>y<sub>{j + 1}</sub></b> = {formula} = </td>"
            f'<td style="text-align:right;min-width:4em"><b>{_num(value)}</b></td>'
            f"<td>{_bar(value, scale)}</td></tr>"
        )
    return '<table style="font-family:monospace">' + "".join(rows) + "</table>"


class WeightSliderDemo(widgets.VBox):
    """Sliders for every weight and bias of a small dense layer, and its output, kept in sync."""

    def __init__(self, inputs, weights, bias, weight_range=(-3.0, 3.0), step=0.05):
        self.inputs = np.asarray(inputs, dtype=float).reshape(-1)
        w = np.asarray(weights, dtype=float)
        b = np.asarray(bias, dtype=float).reshape(-1)
        n, k = w.shape
        if self.inputs.shape != (n,) or b.shape != (k,):
            raise ValueError(f"need {n} inputs and {k} biases for weights of shape {w.shape}")
        lo, hi = weight_range
        # A fixed bar scale, so bar lengths compare across moves; longer bars are clipped.
        self.scale = max(5.0, 1.5 * float(np.abs(dense_output(self.inputs, w, b)).max()))
        style = {"description_width": "72px"}
        layout = widgets.Layout(width="300px")

        def slider(value, description):
            return widgets.FloatSlider(
                value=value,
                min=lo,
                max=hi,
                step=step,
                description=description,
                style=style,
                layout=layout,
                continuous_update=True,
                readout_format=".2f",
            )

        self.weight_sliders = [
            [slider(w[i, j], f"x{i + 1} → y{j + 1}") for j in range(k)] for i in range(n)
        ]
        self.bias_sliders = [slider(b[j], f"bias → y{j + 1}") for j in range(k)]
        self.result = widgets.HTML()
        columns = [
            widgets.VBox(
                [widgets.HTML(f"<b>weights into y<sub>{j + 1}</sub></b>")]
                + [self.weight_sliders[i][j] for i in range(n)]
                + [self.bias_sliders[j]]
            )
            for j in range(k)
        ]
        given = ", ".join(f"x{i + 1} = {_num(v)}" for i, v in enumerate(self.inputs))
        header = widgets.HTML(f"Inputs (fixed): <code>{html.escape(given)}</code>")
        super().__init__([header, widgets.HBox(columns), self.result])
        for s in self.sliders():
            s.observe(self.update, names="value")
        self.update()

    def sliders(self):
        """Return every slider: weights row by row, then the biases."""
        return [s for row in self.weight_sliders for s in row] + self.bias_sliders

    def weights(self):
        """Return the current (input_size, output_size) weight matrix."""
        return np.array([[s.value for s in row] for row in self.weight_sliders])

    def bias(self):
        """Return the current bias vector."""
        return np.array([s.value for s in self.bias_sliders])

    def output(self):
        """Return the layer's current output for the fixed inputs."""
        return dense_output(self.inputs, self.weights(), self.bias())

    def update(self, change=None):
        """Recompute the output and redraw the result (called on every slider move)."""
        self.result.value = format_output(self.inputs, self.weights(), self.bias(), self.scale)


def weight_slider_demo(
    weights=EXAMPLE_WEIGHTS,
    bias=EXAMPLE_BIAS,
    inputs=EXAMPLE_INPUTS,
    *,
    weight_range=(-3.0, 3.0),
    step=0.05,
):
    """Return a widget with a slider per weight and bias; the output ``x @ W + b`` follows them."""
    return WeightSliderDemo(inputs, weights, bias, weight_range=weight_range, step=step)


def describe_logit(p):
    """Return one line of HTML: logit(p) worked out, and how confident that prediction is."""
    z = float(plots.logit(p))
    if abs(z) < 0.5:
        verdict = "about 50/50: no confident prediction"
    else:
        strength = "fairly" if abs(z) < 2 else "very" if abs(z) >= 4 else "quite"
        verdict = f"{strength} confident in class {int(z > 0)}"
    return f"logit({p:.2f}) = ln({p:.2f} / {1 - p:.2f}) = <b>{_num(z)}</b> &nbsp;→&nbsp; {verdict}"


def _figure_png(fig, dpi=80):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


class LogitSlider(widgets.VBox):
    """A slider on p, the value of logit(p), and the point (p, logit(p)) marked on the curve."""

    def __init__(self, p=0.8, step=0.01, show_curve=True):
        self.slider = widgets.FloatSlider(
            value=p,
            min=step,
            max=1 - step,
            step=step,
            description="p",
            readout_format=".2f",
            continuous_update=False,
            layout=widgets.Layout(width="420px"),
        )
        self.readout = widgets.HTML()
        self.curve = widgets.Image(format="png") if show_curve else None
        children = [self.slider, self.readout] + ([self.curve] if show_curve else [])
        super().__init__(children)
        self.slider.observe(self.update, names="value")
        self.update()

    @property
    def logit(self):
        """The logit of the slider's current p."""
        return float(plots.logit(self.slider.value))

    def update(self, change=None):
        """Redraw the readout and the marked curve for the slider's current p."""
        p = self.slider.value
        self.readout.value = describe_logit(p)
        if self.curve is not None:
            self.curve.value = _figure_png(plots.plot_logit_curve(mark_p=p))


def logit_slider(p=0.8, *, step=0.01, show_curve=True):
    """Return a widget linking a probability slider to its logit and a marker on the logit curve."""
    return LogitSlider(p=p, step=step, show_curve=show_curve)
