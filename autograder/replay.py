"""nbgrader's Execute step, replaced: put back the outputs a sandboxed child produced, then judge.

`autograder grade` runs nbgrader's own Autograde converter (sanitising, restoring test cells,
scoring, the gradebook, autograded/), with this preprocessor where nbgrader would start a kernel.
Two deliberate differences from nbgrader: stderr in a test cell (a warning, a debug print) is
shown as ordinary output instead of costing the cell its points, and for the Logits checks the
verdict of the grader process, judged from plain facts, overrides what the student's process said.
"""

import hashlib

from nbformat import from_dict
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.checks import CHECKS, verdicts
from autograder.judge import diagnose

STOPPED = "AutograderStopped"


def source_digest(source):
    """A short digest of a cell's source, to check replayed outputs land on the same cells."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def _error(ename, evalue, note=""):
    lines = [f"{ename}: {evalue}"] + ([note] if note else [])
    return from_dict({"output_type": "error", "ename": ename, "evalue": evalue, "traceback": lines})


def _is_grade(cell):
    return bool(cell.metadata.get("nbgrader", {}).get("grade")) and cell.cell_type == "code"


def _stop_all(nb, reason):
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        if _is_grade(cell):
            cell.outputs = [_error(STOPPED, reason)]


def _stderr_as_output(cell):
    for output in cell.outputs:
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            output["name"] = "stdout"


def _judge_outside(nb, record):
    facts, plan = record.get("facts"), record.get("plan")
    if facts is None or plan is None:
        return
    decided = verdicts(diagnose(facts, plan))
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        check = grade_id.removeprefix("test_")
        if not _is_grade(cell) or check not in CHECKS:
            continue
        verdict = decided[check]
        errored = any(o.get("output_type") == "error" for o in cell.outputs)
        if not verdict.passed and not errored:
            cell.outputs.append(
                _error(
                    "AssertionError",
                    verdict.message,
                    "(decided by the grader from your layer's outputs, outside your notebook)",
                )
            )


class ReplayExecute(NbGraderPreprocessor):
    """Fill in each code cell's outputs from a finished sandbox run of the same notebook."""

    # (student, notebook) -> the record the grading engine collected for it
    records = {}

    def preprocess(self, nb, resources):
        key = (resources["nbgrader"]["student"], resources["nbgrader"]["notebook"])
        record = self.records.get(key)
        if record is None:
            _stop_all(nb, "the grader has no run of this notebook")
        elif record["status"] != "ok":
            _stop_all(nb, record["reason"])
        else:
            self._replay(nb, record)
        return nb, resources

    def _replay(self, nb, record):
        by_index = {c["index"]: c for c in record["cells"]}
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            ran = by_index.get(index)
            if ran is None or ran["digest"] != source_digest(cell.source):
                _stop_all(nb, "internal error: the run does not match the notebook's cells")
                return
            cell.outputs = [dict(o) for o in ran["outputs"]]
            cell.execution_count = ran["execution_count"]
            if _is_grade(cell):
                _stderr_as_output(cell)
        _judge_outside(nb, record)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = [from_dict(o) for o in cell.outputs]
