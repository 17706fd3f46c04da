"""`autograder report`: one self-contained HTML class report with item analysis, plus a CSV.

What an instructor needs after grading: the score distribution, the pass rate of each check,
how many students made each named mistake (the common misconceptions), who passed the public
checks but failed the hidden ones, which submissions were stopped and why, and how long grading
took. Figures are matplotlib PNGs embedded in the page, so the file can be mailed or archived.
"""

import csv
import json
import statistics
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from markupsafe import Markup

from autograder._html import ENV, STYLE, figure_html
from autograder.checks import CHECKS
from autograder.mistakes import MISTAKES
from autograder.release import ASSIGNMENT
from autograder.results import read_results

RUNS_FILE = "grading-runs.jsonl"

PAGE = ENV.from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Class report: {{ assignment }}</title><style>{{ style }}</style></head>
<body>
<h1>Class report: “{{ assignment }}”</h1>
<p class="muted">{{ count }} graded submissions · report made {{ when }}</p>
<table>
<tr><th>mean</th><th>median</th><th>full marks</th><th>zero</th><th>stopped by the sandbox
or rejected</th></tr>
<tr><td>{{ mean }} / {{ max_score }}</td><td>{{ median }}</td><td>{{ full }}</td><td>{{ zero }}</td>
<td>{{ stopped|length }}</td></tr>
</table>
<h2>Scores</h2>
{{ histogram }}
<h2>Pass rate per check</h2>
{{ pass_chart }}
<table><tr><th>check</th><th class="num">passed</th><th class="num">pass rate</th>
<th class="num">passed public, failed hidden</th></tr>
{% for row in checks %}
<tr><td>{{ row.title }}</td><td class="num">{{ row.passed }} / {{ row.total }}</td>
<td class="num">{{ row.rate }}</td><td class="num">{{ row.hidden_only }}</td></tr>
{% endfor %}
</table>
<h2>Named mistakes</h2>
{% if mistakes %}
{{ mistake_chart }}
<table><tr><th>mistake</th><th class="num">students</th><th class="num">share</th>
<th>what they are told</th></tr>
{% for row in mistakes %}
<tr><td><strong>{{ row.id }}</strong><br>{{ row.title }}</td><td class="num">{{ row.count }}</td>
<td class="num">{{ row.share }}</td><td>{{ row.fix }}</td></tr>
{% endfor %}
</table>
{% else %}<p>No catalogued mistake was found.</p>{% endif %}
<h2>Passed the public checks, failed hidden ones</h2>
{% if hidden_only %}
<table><tr><th>student</th><th>checks failed only by the hidden tests</th><th>mistakes</th></tr>
{% for row in hidden_only %}
<tr><td>{{ row.student }}</td><td>{{ row.checks }}</td><td>{{ row.mistakes }}</td></tr>
{% endfor %}
</table>
{% else %}<p>None: every student who passed a public check also passed its hidden one.</p>
{% endif %}
<h2>Crashed, timed out, stopped by the sandbox or rejected</h2>
{% if stopped %}
<table><tr><th>student</th><th>reason (scored 0)</th></tr>
{% for row in stopped %}<tr><td>{{ row.student }}</td><td>{{ row.reason }}</td></tr>{% endfor %}
</table>
{% else %}<p>None.</p>{% endif %}
<h2>Grading</h2>
{% if run %}
<p>Last run of <code>autograder grade</code>, finished {{ run.finished }}: {{ run.graded }} graded,
{{ run.failed }} scored 0 with a reason, {{ run.skipped }} skipped as already graded, in
{{ run.seconds }} s ({{ run.per_minute }} submissions per minute, {{ run.workers }} workers);
hidden-check seed {{ run.seed }}.</p>
{% else %}<p>No record of an <code>autograder grade</code> run (graded by another tool?).</p>
{% endif %}
</body></html>
"""
)


def record_run(course_dir, assignment, summary, workers):
    """Append one grading run's figures to ``reports/{assignment}/grading-runs.jsonl``."""
    folder = Path(course_dir) / "reports" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    entry = {
        "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "graded": len(summary.graded),
        "failed": len(summary.failed),
        "skipped": len(summary.skipped),
        "seconds": round(summary.seconds, 1),
        "per_minute": round(summary.per_minute, 1),
        "workers": workers,
        "seed": summary.seed,
        "peak_memory_bytes": summary.peak_memory,
    }
    with (folder / RUNS_FILE).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def _last_run(folder):
    path = folder / RUNS_FILE
    if not path.exists():
        return None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else None


def _title(grade_id):
    check = CHECKS.get(grade_id.removeprefix("test_"))
    return check.title if check else grade_id


def _charts(results, check_rows, mistake_rows, max_score):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    scores = [r.score for r in results.values()]
    fig = Figure(figsize=(7, 3))
    ax = fig.subplots()
    ax.hist(scores, bins=[x - 0.5 for x in range(int(max_score) + 2)], color="#0969da", rwidth=0.85)
    ax.set_xlabel("score")
    ax.set_ylabel("students")
    ax.set_xticks(range(int(max_score) + 1))
    histogram = figure_html(fig, "histogram of scores")

    fig = Figure(figsize=(7, 0.45 * len(check_rows) + 0.8))
    ax = fig.subplots()
    ax.barh([r["title"] for r in check_rows], [r["fraction"] for r in check_rows], color="#1a7f37")
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of students who passed")
    ax.invert_yaxis()
    pass_chart = figure_html(fig, "pass rate per check")

    mistake_chart = ""
    if mistake_rows:
        fig = Figure(figsize=(7, 0.4 * len(mistake_rows) + 0.8))
        ax = fig.subplots()
        ax.barh(
            [r["id"] for r in mistake_rows], [r["count"] for r in mistake_rows], color="#cf222e"
        )
        ax.set_xlabel("students")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.invert_yaxis()
        mistake_chart = figure_html(fig, "students per named mistake")
    return histogram, pass_chart, mistake_chart


def write_report(course_dir=".", assignment=ASSIGNMENT):
    """Write ``reports/{assignment}/report.html`` and ``report.csv``; return both paths."""
    course_dir = Path(course_dir)
    folder = course_dir / "reports" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    results = read_results(course_dir, assignment)
    if not results:
        raise ValueError(f"no graded submissions of '{assignment}': run `autograder grade` first")
    count = len(results)
    max_score = max(r.max_score for r in results.values())
    scores = [r.score for r in results.values()]

    order = []
    for result in results.values():
        order += [d.grade_id for d in result.details if d.grade_id not in order]
    check_rows = []
    for grade_id in order:
        details = [d for r in results.values() for d in r.details if d.grade_id == grade_id]
        passed = sum(d.passed for d in details)
        hidden_only = sum(1 for d in details if d.public_passed and not d.passed)
        check_rows.append(
            {
                "title": _title(grade_id),
                "passed": passed,
                "total": len(details),
                "fraction": passed / len(details) if details else 0.0,
                "rate": f"{100 * passed / len(details):.0f}%" if details else "–",
                "hidden_only": hidden_only,
            }
        )
    counts = Counter(m for r in results.values() for m in r.mistakes)
    mistake_rows = [
        {
            "id": mistake,
            "title": MISTAKES[mistake].title if mistake in MISTAKES else mistake,
            "fix": MISTAKES[mistake].fix if mistake in MISTAKES else "",
            "count": n,
            "share": f"{100 * n / count:.0f}%",
        }
        for mistake, n in counts.most_common()
    ]
    hidden_only = []
    for student, result in sorted(results.items()):
        failed = [d for d in result.details if d.public_passed and not d.passed]
        if failed:
            hidden_only.append(
                {
                    "student": student,
                    "checks": "; ".join(_title(d.grade_id) for d in failed),
                    "mistakes": ", ".join(result.mistakes) or "–",
                }
            )
    stopped = [{"student": s, "reason": r.stopped} for s, r in sorted(results.items()) if r.stopped]
    histogram, pass_chart, mistake_chart = _charts(results, check_rows, mistake_rows, max_score)
    page = PAGE.render(
        style=Markup(STYLE),
        assignment=assignment,
        count=count,
        when=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        mean=f"{statistics.mean(scores):.1f}",
        median=f"{statistics.median(scores):g}",
        max_score=f"{max_score:g}",
        full=sum(1 for s in scores if s >= max_score),
        zero=sum(1 for s in scores if s == 0),
        histogram=Markup(histogram),
        pass_chart=Markup(pass_chart),
        mistake_chart=Markup(mistake_chart),
        checks=check_rows,
        mistakes=mistake_rows,
        hidden_only=hidden_only,
        stopped=stopped,
        run=_last_run(folder),
    )
    html_path, csv_path = folder / "report.html", folder / "report.csv"
    html_path.write_text(page, encoding="utf-8")
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "student_id",
                "score",
                "max_score",
                "mistakes",
                "failed_checks",
                "failed_only_hidden",
                "stopped_reason",
            ]
        )
        for student, result in sorted(results.items()):
            writer.writerow(
                [
                    student,
                    f"{result.score:g}",
                    f"{result.max_score:g}",
                    " ".join(result.mistakes),
                    " ".join(d.grade_id for d in result.details if not d.passed),
                    " ".join(
                        d.grade_id for d in result.details if d.public_passed and not d.passed
                    ),
                    result.stopped or "",
                ]
            )
    return html_path, csv_path
