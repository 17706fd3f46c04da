"""Shared HTML pieces for feedback pages and reports: one stylesheet, safe rendering of outputs."""

import base64
import html
import io

from jinja2 import Environment
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #1f2328; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.muted { color: #59636e; } .score { font-size: 2rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #d1d9e0; }
th { background: #f6f8fa; } td.num, th.num { text-align: right; }
.pass { color: #1a7f37; font-weight: 600; } .fail { color: #cf222e; font-weight: 600; }
.mistake { border-left: 4px solid #cf222e; background: #fff5f5; padding: .5rem .8rem;
           margin: .5rem 0; }
.stopped { border-left: 4px solid #9a6700; background: #fff8c5; padding: .5rem .8rem; }
pre { background: #f6f8fa; padding: .6rem; overflow-x: auto; font-size: 13px; }
.output { border-left: 3px solid #d1d9e0; padding-left: .6rem; }
img.figure { max-width: 100%; }
"""

_MAX_TEXT = 5000
ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)


def code_html(source):
    """Python source as highlighted, self-contained HTML (inline styles, escaped)."""
    return highlight(source, PythonLexer(), HtmlFormatter(noclasses=True, nowrap=False))


def joined_text(value):
    """A notebook field that may be a string or a list of strings, as one string."""
    return "".join(value) if isinstance(value, list) else str(value)


def output_html(output):
    """One notebook output as safe HTML: text escaped, images only as PNG/JPEG data, no scripts.

    The outputs come from student code, so nothing in them is trusted as markup.
    """
    kind = output.get("output_type")
    if kind == "stream":
        text = joined_text(output.get("text", ""))
        if len(text) > _MAX_TEXT:
            text = text[:_MAX_TEXT] + f"\n[... {len(text) - _MAX_TEXT} more characters]"
        return f"<pre>{html.escape(text)}</pre>"
    if kind == "error":
        text = f"{output.get('ename', 'Error')}: {joined_text(output.get('evalue', ''))}"
        return f"<pre>{html.escape(text[:_MAX_TEXT])}</pre>"
    data = output.get("data", {})
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            payload = joined_text(data[mime]).replace("\n", "")
            try:
                base64.b64decode(payload, validate=True)
            except ValueError:
                return ""
            return f'<img class="figure" alt="figure" src="data:{mime};base64,{payload}">'
    if "text/plain" in data:
        return f"<pre>{html.escape(joined_text(data['text/plain'])[:_MAX_TEXT])}</pre>"
    return ""


def figure_html(fig, alt):
    """A matplotlib figure embedded as a PNG data URI."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    payload = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img class="figure" alt="{html.escape(alt)}" src="data:image/png;base64,{payload}">'
