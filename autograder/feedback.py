"""`autograder feedback`: one HTML page per student that explains their grade without the tests.

Each page shows the score per check and, for each failed check, the named mistake and how to
fix it, then the student's own code and outputs. It is built from the gradebook and the graded
notebook's *outputs*; no test cell's source is ever read into it, so hidden tests and their
expected values stay hidden (nbgrader's generate_feedback copies them in).
"""

from datetime import UTC, datetime
from pathlib import Path

from markupsafe import Markup

from autograder._html import ENV, STYLE, code_html, joined_text, output_html
from autograder._nbgrader import course_directory, step_folder
from autograder.checks import CHECKS
from autograder.mistakes import MISTAKES
from autograder.release import ASSIGNMENT
from autograder.results import read_results

PAGE = ENV.from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Feedback: {{ assignment }} — {{ name }}</title><style>{{ style }}</style></head>
<body>
<h1>Feedback on “{{ assignment }}”</h1>
<p class="muted">{{ name }} · graded {{ when }}</p>
<p class="score">{{ score }} / {{ max_score }} points</p>
{% if stopped %}
<div class="stopped"><strong>Your notebook could not be graded normally:</strong> {{ stopped }}.
Every check scored 0. Fix this first; then run your notebook top to bottom before submitting.</div>
{% endif %}
<h2>Checks</h2>
<table><tr><th>check</th><th class="num">points</th><th>result</th></tr>
{% for check in checks %}
<tr><td>{{ check.title }}</td><td class="num">{{ check.score }} / {{ check.max_score }}</td>
<td>{% if check.passed %}<span class="pass">passed</span>
{% else %}<span class="fail">failed</span>{% endif %}</td></tr>
{% endfor %}
</table>
{% if mistakes %}
<h2>What went wrong, and how to fix it</h2>
{% for mistake in mistakes %}
<div class="mistake"><strong>{{ mistake.title }}.</strong><br>How to fix it: {{ mistake.fix }}
<br><span class="muted">({{ mistake.id }}; checks affected: {{ mistake.checks }})</span></div>
{% endfor %}
{% endif %}
{% if unexplained %}
<p>Other failed checks: {{ unexplained }}.
Run your notebook top to bottom and read the error each of those test cells shows.</p>
{% endif %}
<h2>Your code and its outputs</h2>
{% for answer in answers %}
{{ answer.code }}
{% for output in answer.outputs %}<div class="output">{{ output }}</div>{% endfor %}
{% else %}
<p class="muted">No answer cell was found in your submission.</p>
{% endfor %}
</body></html>
"""
)


def _title(grade_id):
    check = CHECKS.get(grade_id.removeprefix("test_"))
    return check.title if check else grade_id


def _fmt(value):
    return "–" if value is None else f"{value:g}"


REMOVED = "[a line of the hidden tests was removed here]"


def _scrub_text(text, hidden):
    lines = text.splitlines(keepends=True)
    kept = [REMOVED + "\n" if any(h in line for h in hidden) else line for line in lines]
    return "".join(kept)


def scrub(output, hidden):
    """A copy of ``output`` with every line that quotes a hidden-test line replaced.

    A submission can find the test cells' text in its own memory and print it; its printed
    output must not carry that text to the student.
    """
    if not hidden:
        return output
    clean = dict(output)
    for key in ("text", "evalue"):
        if key in clean:
            clean[key] = _scrub_text(joined_text(clean[key]), hidden)
    if "data" in clean:
        data = dict(clean["data"])
        for mime in ("text/plain", "text/markdown", "text/latex"):
            if mime in data:
                data[mime] = _scrub_text(joined_text(data[mime]), hidden)
        data.pop("text/html", None)
        clean["data"] = data
    return clean


def render(result, assignment, hidden=frozenset()):
    """The feedback page for one `results.StudentResult`, as an HTML string.

    ``hidden``: the hidden tests' lines, removed from any output that quotes them.
    """
    affected = {}
    for detail in result.details:
        for mistake in detail.mistakes:
            affected.setdefault(mistake, []).append(_title(detail.grade_id))
    mistakes = [
        {
            "id": mistake,
            "title": MISTAKES[mistake].title,
            "fix": MISTAKES[mistake].fix,
            "checks": "; ".join(affected[mistake]),
        }
        for mistake in result.mistakes
        if mistake in MISTAKES and mistake in affected
    ]
    unexplained = [_title(d.grade_id) for d in result.details if not d.passed and not d.mistakes]
    name = " ".join(p for p in (result.first_name, result.last_name) if p) or result.student
    return PAGE.render(
        style=Markup(STYLE),
        assignment=assignment,
        name=name,
        when=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        score=_fmt(result.score),
        max_score=_fmt(result.max_score),
        stopped=result.stopped,
        checks=[
            {
                "title": _title(d.grade_id),
                "score": _fmt(d.score),
                "max_score": _fmt(d.max_score),
                "passed": d.passed,
            }
            for d in result.details
        ],
        mistakes=mistakes,
        unexplained="; ".join(unexplained) if not result.stopped else "",
        answers=[
            {
                "code": Markup(code_html(a["source"])) if a["cell_type"] == "code" else a["source"],
                "outputs": [Markup(output_html(scrub(o, hidden))) for o in a["outputs"]],
            }
            for a in result.answers
        ],
    )


def hidden_test_lines(source_dir):
    """Every non-trivial line between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``."""
    import nbformat

    lines = set()
    for path in Path(source_dir).glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            inside = False
            for line in cell.source.splitlines():
                if "### BEGIN HIDDEN TESTS" in line:
                    inside = True
                elif "### END HIDDEN TESTS" in line:
                    inside = False
                elif inside and len(line.strip()) > 8:
                    lines.add(line.strip())
    return lines


def leaked_lines(pages, source_dir):
    """The hidden-test lines that appear in any of ``pages`` (should be none)."""
    import html

    hidden = hidden_test_lines(source_dir)
    found = set()
    for page in pages:
        text = html.unescape(Path(page).read_text(encoding="utf-8"))
        found |= {line for line in hidden if line in text}
    return found


def write_feedback(course_dir=".", assignment=ASSIGNMENT, students=None):
    """Write ``feedback/{student}/{assignment}/feedback.html`` for each graded student."""
    course_dir = Path(course_dir)
    results = read_results(course_dir, assignment)
    coursedir = course_directory(course_dir)
    hidden = hidden_test_lines(step_folder(coursedir, "source", ".", assignment))
    written = []
    for student, result in sorted(results.items()):
        if students and student not in students:
            continue
        folder = step_folder(coursedir, "feedback", student, assignment)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "feedback.html"
        path.write_text(render(result, assignment, hidden), encoding="utf-8")
        written.append(path)
    missing = sorted(set(students or ()) - set(results))
    if missing:
        raise ValueError(f"no graded submission of '{assignment}' for: {', '.join(missing)}")
    return written
